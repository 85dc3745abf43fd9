package scoring

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/transform"
)

func date(s string) *time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return &t
}

func year(y int) *int { return &y }

func TestDecide(t *testing.T) {
	rules := Rules{TahunTanpaRAT: 3, BatasRATBulan: 6}
	asOf := *date("2026-11-22") // last closed tahun buku 2025; window 2023–2025; RAT 2025 due 30 Juni 2026
	cases := []struct {
		name   string
		f      Facts
		status Status
		warn   []Warning
		alasan string
	}{
		{"RAT every year", Facts{TahunRATTerakhir: year(2025), TanggalRATTerakhir: date("2026-03-15"), RATDalamJendela: true, RATTahunTerakhir: true, LaporTahunTerakhir: true},
			Aktif, nil, "RAT terakhir: tahun buku 2025 (dilaksanakan 15 Maret 2026)"},
		{"last RAT 2023 is still in the window", Facts{TahunRATTerakhir: year(2023), RATDalamJendela: true, LaporTahunTerakhir: true},
			Aktif, []Warning{RATTerlambat}, "RAT tahun buku 2025 belum dilaksanakan (batas 30 Juni 2026)"},
		{"last RAT 2022: three closed years without", Facts{TahunRATTerakhir: year(2022)},
			TidakAktif, []Warning{RATTerlambat, BelumLapor}, "Tidak ada RAT untuk tahun buku 2023–2025. RAT terakhir: tahun buku 2022"},
		{"never a report", Facts{TanggalBadanHukum: date("2001-05-01")},
			TidakAktif, []Warning{RATTerlambat, BelumLapor}, "Belum pernah ada RAT tercatat"},
		{"founded this year", Facts{TanggalBadanHukum: date("2026-02-01")},
			Baru, nil, "RAT pertama paling lambat 30 Juni 2027"},
		{"founded in 2025, first RAT due 30 June 2026 and missed", Facts{TanggalBadanHukum: date("2025-08-01")},
			TidakAktif, []Warning{RATTerlambat, BelumLapor}, "Tidak ada RAT"},
		{"dissolved", Facts{TanggalPembubaran: date("2025-02-01"), TahunRATTerakhir: year(2025), RATDalamJendela: true},
			Dibubarkan, nil, "Dibubarkan pada 1 Februari 2025"},
		{"dissolution recorded for a future date", Facts{TanggalPembubaran: date("2027-01-01"), TahunRATTerakhir: year(2025), RATDalamJendela: true, RATTahunTerakhir: true, LaporTahunTerakhir: true},
			Aktif, nil, "RAT terakhir"},
	}
	for _, c := range cases {
		d := Decide(c.f, asOf, rules)
		if d.Status != c.status {
			t.Errorf("%s: status %s, want %s", c.name, d.Status, c.status)
		}
		if len(d.Peringatan) != len(c.warn) {
			t.Errorf("%s: warnings %v, want %v", c.name, d.Peringatan, c.warn)
		} else {
			for i := range c.warn {
				if d.Peringatan[i] != c.warn[i] {
					t.Errorf("%s: warnings %v, want %v", c.name, d.Peringatan, c.warn)
				}
			}
		}
		if !strings.Contains(strings.Join(d.Alasan, ". "), c.alasan) {
			t.Errorf("%s: alasan %q lacks %q", c.name, d.Alasan, c.alasan)
		}
	}
	// Before the deadline the missing RAT of the last closed year is not yet late.
	early := Decide(Facts{TahunRATTerakhir: year(2024), RATDalamJendela: true, LaporTahunTerakhir: true}, *date("2026-06-30"), rules)
	if len(early.Peringatan) != 0 {
		t.Errorf("on the deadline day: %v", early.Peringatan)
	}
	// The threshold is configuration: with 2 years, a last RAT in 2023 is no longer enough.
	if d := Decide(Facts{TahunRATTerakhir: year(2023)}, asOf, Rules{TahunTanpaRAT: 2, BatasRATBulan: 6}); d.Status != TidakAktif {
		t.Errorf("2-year rule: %s", d.Status)
	}
}

// Status is derived from the whole history: a later, truncated upload (one cooperative out of three,
// with tanggal_rat left empty) must not flip anyone to tidak_aktif.
func TestStatusSurvivesTruncatedUpload(t *testing.T) {
	ctx := context.Background()
	ws, _, err := workspace.Init(ctx, t.TempDir(), "32.76", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	write := func(name, body string) {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ingest.IngestFile(ctx, ws, p, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	head := "NIK;Nama Koperasi;Tahun Buku;Tanggal RAT\n"
	var full strings.Builder
	full.WriteString(head)
	for _, y := range []string{"2023", "2024", "2025"} {
		next := map[string]string{"2023": "2024", "2024": "2025", "2025": "2026"}[y]
		full.WriteString("3276010000000001;KSP A;" + y + ";15/03/" + next + "\n")
		full.WriteString("3276010000000002;KSP B;" + y + ";20/04/" + next + "\n")
	}
	full.WriteString("3276010000000003;KSP C;2021;10/03/2022\n") // last RAT 2021: tidak aktif
	write("lengkap.csv", full.String())
	// The truncated re-upload: one row, RAT date missing.
	write("terpotong.csv", head+"3276010000000002;KSP B;2025;\n")

	if _, err := transform.Run(ctx, ws, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, ws, *date("2026-11-22"), Keaktifan()); err != nil {
		t.Fatal(err)
	}
	rows, err := ws.WH.DB().QueryContext(ctx, `SELECT nik, status, peringatan FROM mart.keaktifan ORDER BY nik`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := [][3]string{
		{"3276010000000001", "aktif", ""},
		{"3276010000000002", "aktif", ""}, // its 2025 RAT stands, although the newest upload left it empty
		{"3276010000000003", "tidak_aktif", "rat_terlambat,belum_lapor"},
	}
	i := 0
	for rows.Next() {
		var got [3]string
		if err := rows.Scan(&got[0], &got[1], &got[2]); err != nil {
			t.Fatal(err)
		}
		if i >= len(want) || got != want[i] {
			t.Errorf("row %d: got %v", i, got)
		}
		i++
	}
	if i != len(want) {
		t.Fatalf("%d rows, want %d", i, len(want))
	}
}

// The thresholds are configuration ([status] tahun_tanpa_rat, batas_rat_bulan), read by the stage, and
// an empty upload changes nobody's status.
func TestStatusThresholdsFromConfig(t *testing.T) {
	ctx := context.Background()
	ws, _, err := workspace.Init(ctx, t.TempDir(), "32.76", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ingestCSV := func(name, body string) {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ingest.IngestFile(ctx, ws, p, ingest.Options{}); err != nil {
			t.Logf("%s: %v", name, err) // an empty file may be refused; that is the point
		}
	}
	head := "NIK;Nama Koperasi;Tahun Buku;Tanggal RAT\n"
	ingestCSV("riwayat.csv", head+
		"3276010000000001;KSP Lama;2022;10/03/2023\n"+
		"3276010000000001;KSP Lama;2023;10/03/2024\n"+
		"3276010000000001;KSP Lama;2024;\n"+ // reported, no RAT
		"3276010000000002;KSP Rajin;2023;10/03/2024\n"+
		"3276010000000002;KSP Rajin;2024;10/03/2025\n")
	ingestCSV("kosong.csv", head)
	if _, err := transform.Run(ctx, ws, nil); err != nil {
		t.Fatal(err)
	}
	status := func(asOf string) map[string]string {
		t.Helper()
		if _, err := Run(ctx, ws, *date(asOf), Keaktifan()); err != nil {
			t.Fatal(err)
		}
		rows, err := ws.WH.DB().QueryContext(ctx, `SELECT nik, status || '/' || peringatan FROM mart.keaktifan`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var nik, s string
			if err := rows.Scan(&nik, &s); err != nil {
				t.Fatal(err)
			}
			out[nik[len(nik)-1:]] = s
		}
		return out
	}
	// Defaults (3 years, 6 months) on 1 May 2026: window 2023–2025; the 2025 RAT is not due until 30 June.
	if got := status("2026-05-01"); got["1"] != "aktif/belum_lapor" || got["2"] != "aktif/belum_lapor" {
		t.Errorf("defaults: %v", got)
	}
	// A 3-month RAT deadline makes the missing 2025 RAT late on 1 May.
	ws.Config.Status.BatasRATBulan = 3
	if got := status("2026-05-01"); got["1"] != "aktif/rat_terlambat,belum_lapor" || got["2"] != "aktif/rat_terlambat,belum_lapor" {
		t.Errorf("3-month deadline: %v", got)
	}
	// Two years without RAT instead of three: window 2024–2025, and KSP Lama's last RAT is for 2023.
	ws.Config.Status.TahunTanpaRAT = 2
	got := status("2026-05-01")
	if got["1"] != "tidak_aktif/rat_terlambat,belum_lapor" || got["2"] != "aktif/rat_terlambat,belum_lapor" {
		t.Errorf("2-year rule: %v", got)
	}
	var alasan string
	if err := ws.WH.DB().QueryRowContext(ctx, `SELECT alasan FROM mart.keaktifan WHERE nik = '3276010000000001'`).Scan(&alasan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(alasan, "Tidak ada RAT untuk tahun buku 2024–2025. RAT terakhir: tahun buku 2023 (dilaksanakan 10 Maret 2024)") {
		t.Errorf("alasan %q", alasan)
	}
}
