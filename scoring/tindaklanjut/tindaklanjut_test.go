package tindaklanjut_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/scoring"
	tl "github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
	"github.com/pantau-koperasi/pantau/transform"
)

var asOf = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

const (
	nikA = "3276010000000001" // healthy, reports every year; gets a data-quality case
	nikB = "3276010000000002" // last report and RAT for 2021: tidak_aktif
	nikC = "3276010000000003" // RAT 2024, nothing for 2025: rat_terlambat and belum_lapor
	nikD = "3276020000000004" // Sehat in 2024, Dalam Pengawasan in 2025: kesehatan and kategori_turun
)

// Figures for umum-2026 (see scoring/README.md): a Sehat year (81,25) and a weak one (55).
const sehat = "100000000;300000000;100000000;250000000;1000000000;1200000000;60000000"
const lemah = "100000000;300000000;100000000;250000000;1000000000;50000000;-10000000"

func setup(t *testing.T) *workspace.Workspace {
	t.Helper()
	ctx := context.Background()
	ws, _, err := workspace.Init(ctx, t.TempDir(), "32.76", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	csv := "NIK;Nama Koperasi;Jenis;Kode Wilayah;Tahun Buku;Tanggal RAT;Simpanan Pokok;Simpanan Wajib;Dana Cadangan;Modal Luar;Total Aset;Volume Usaha;SHU\n" +
		nikA + ";Koperasi Alfa;Konsumen;32.76.01;2024;10/03/2025;" + sehat + "\n" +
		nikA + ";Koperasi Alfa;Konsumen;32.76.01;2025;10/03/2026;" + sehat + "\n" +
		nikB + ";Koperasi Beta;Konsumen;32.76.01;2021;10/03/2022;" + sehat + "\n" +
		nikC + ";Koperasi Gama;Konsumen;32.76.01;2024;10/03/2025;" + sehat + "\n" +
		nikD + ";Koperasi Delta;Konsumen;32.76.02;2024;10/03/2025;" + sehat + "\n" +
		nikD + ";Koperasi Delta;Konsumen;32.76.02;2025;10/03/2026;" + lemah + "\n"
	p := filepath.Join(t.TempDir(), "laporan.csv")
	if err := os.WriteFile(p, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err := ingest.IngestFile(ctx, ws, p, ingest.Options{}); err != nil || s.Accepted != 6 {
		t.Fatalf("ingest: %v %+v", err, s)
	}
	if _, err := transform.Run(ctx, ws, nil); err != nil {
		t.Fatal(err)
	}
	// A data-quality violation for A in a newer check run than any the transform wrote.
	if _, err := ws.WH.DB().Exec(`INSERT INTO ops.check_results (run_id, check_name, check_type, severity, nik, tahun_buku, level, status, failing_count)
		SELECT coalesce(max(run_id), 0) + 1000, 'aset_kurang_dari_modal', 'expression', 'error', ?, 2025, 'row', 'error', 1 FROM ops.check_results`, nikA); err != nil {
		t.Fatal(err)
	}
	return ws
}

func keys(t *testing.T, ws *workspace.Workspace, status string) []string {
	t.Helper()
	cs, err := tl.List(context.Background(), ws.WH, tl.Filter{Status: status})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, c.NIK[len(c.NIK)-1:]+":"+c.Alasan)
	}
	sort.Strings(out)
	return out
}

func TestFollowUpLifecycle(t *testing.T) {
	ctx := context.Background()
	ws := setup(t)
	clock := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	defer tl.SetClock(func() time.Time { clock = clock.Add(time.Minute); return clock })()

	// 1. Raised automatically after scoring, one case per cooperative and reason, assigned to the
	// configured officer.
	ws.Config.TindakLanjut.Petugas = "andi"
	if _, err := scoring.Run(ctx, ws, asOf, app.ScoringStages()...); err != nil {
		t.Fatal(err)
	}
	want := []string{"1:kualitas_data", "2:tidak_aktif", "3:belum_lapor", "3:rat_terlambat", "4:kategori_turun", "4:kesehatan"}
	if got := keys(t, ws, "terbuka"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("automatic cases %v, want %v", got, want)
	}
	cs, _ := tl.List(ctx, ws.WH, tl.Filter{NIK: nikB})
	b := cs[0]
	if b.Prioritas != "tinggi" || b.Sumber != "otomatis" || b.DibuatOleh != tl.Sistem || b.Status != "baru" ||
		!strings.Contains(b.Keterangan, "RAT terakhir: tahun buku 2021") || b.JatuhTempo == nil || !b.JatuhTempo.Equal(asOf.AddDate(0, 0, 30)) ||
		b.TahunBuku == nil || *b.TahunBuku != 2025 {
		t.Errorf("tidak_aktif case: %+v", b)
	}
	cs, _ = tl.List(ctx, ws.WH, tl.Filter{NIK: nikD, Alasan: tl.AlasanKesehatan})
	if len(cs) != 1 || !strings.Contains(cs[0].Keterangan, "umum-2026, tahun buku 2025: Dalam Pengawasan (skor 55") {
		t.Errorf("kesehatan case: %+v", cs)
	}

	// 2. Scoring again raises nothing new.
	if _, err := scoring.Run(ctx, ws, asOf, app.ScoringStages()...); err != nil {
		t.Fatal(err)
	}
	if got := keys(t, ws, ""); len(got) != len(want) {
		t.Fatalf("second run: %v", got)
	}

	// 3. By hand: the same reason while one is open is refused and names the open case.
	cs, _ = tl.List(ctx, ws.WH, tl.Filter{NIK: nikC, Alasan: tl.AlasanRATTerlambat})
	_, err := tl.New(ctx, ws.WH, "budi", tl.NewCase{NIK: nikC, Alasan: "rat_terlambat"})
	var oc *tl.OpenCaseError
	if !errors.As(err, &oc) || oc.ID != cs[0].ID {
		t.Fatalf("duplicate open case: %v", err)
	}
	due := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	idA, err := tl.New(ctx, ws.WH, "budi", tl.NewCase{NIK: nikA, Alasan: "lainnya", Prioritas: "Rendah", Petugas: "siti", JatuhTempo: &due, Catatan: "Pengaduan anggota soal SHU"})
	if err != nil {
		t.Fatal(err)
	}

	// 4. Change and close B's case; every change is in the audit trail, in order.
	if err := tl.Assign(ctx, ws.WH, "budi", b.ID, "siti"); err != nil {
		t.Fatal(err)
	}
	if err := tl.AddNote(ctx, ws.WH, "siti", b.ID, "Kunjungan 2 Desember: pengurus vakum"); err != nil {
		t.Fatal(err)
	}
	if err := tl.SetStatus(ctx, ws.WH, "siti", b.ID, "diproses"); err != nil {
		t.Fatal(err)
	}
	if err := tl.SetStatus(ctx, ws.WH, "siti", b.ID, "diproses"); err != nil { // no change, no audit row
		t.Fatal(err)
	}
	if err := tl.SetStatus(ctx, ws.WH, "kabid", b.ID, "SELESAI"); err != nil {
		t.Fatal(err)
	}
	c, trail, err := tl.Get(ctx, ws.WH, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != "selesai" || c.Petugas != "siti" || c.DitutupPada == nil || len(c.Catatan) != 1 || c.Catatan[0].Oleh != "siti" {
		t.Errorf("closed case: %+v", c)
	}
	var lines []string
	for _, a := range trail {
		lines = append(lines, fmt.Sprintf("%s %s %s |%s→%s", a.Pada.Format("15:04"), a.Oleh, a.Kolom, a.Sebelum, a.Sesudah))
	}
	// The fake clock advances a minute per change, so the trail is strictly ordered.
	wantTrail := []string{
		"sistem dibuat |→otomatis; alasan tidak_aktif; prioritas tinggi",
		"sistem petugas |→andi",
		"sistem jatuh_tempo |→2026-12-22",
		"budi petugas |andi→siti",
		"siti catatan |→Kunjungan 2 Desember: pengurus vakum",
		"siti status |baru→diproses",
		"kabid status |diproses→selesai",
	}
	if len(lines) != len(wantTrail) {
		t.Fatalf("audit trail %q", lines)
	}
	for i := range wantTrail {
		if lines[i][6:] != wantTrail[i] {
			t.Errorf("audit %d: %q, want %q", i, lines[i][6:], wantTrail[i])
		}
		if i > 0 && lines[i][:5] < lines[i-1][:5] {
			t.Errorf("audit out of order: %q", lines)
		}
	}
	if c.DiubahPada.Before(c.DibuatPada) || !c.DiubahPada.Equal(trail[len(trail)-1].Pada) {
		t.Errorf("diubah_pada %v, last change %v", c.DiubahPada, trail[len(trail)-1].Pada)
	}
	later := time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC)
	if err := tl.SetDue(ctx, ws.WH, "kabid", idA, &later); err != nil {
		t.Fatal(err)
	}
	if err := tl.SetPriority(ctx, ws.WH, "kabid", idA, "tinggi"); err != nil {
		t.Fatal(err)
	}
	_, trailA, _ := tl.Get(ctx, ws.WH, idA)
	if n := len(trailA); n != 6 || trailA[4].Kolom != "jatuh_tempo" || trailA[4].Sebelum != "2026-12-31" || trailA[4].Sesudah != "2027-01-15" ||
		trailA[5].Kolom != "prioritas" || trailA[5].Sebelum != "rendah" || trailA[5].Sesudah != "tinggi" {
		t.Errorf("due date and priority changes: %+v", trailA)
	}
	if len(trailA) < 4 || trailA[0].Kolom != "dibuat" || trailA[1].Kolom != "petugas" || trailA[2].Sesudah != "2026-12-31" || trailA[3].Sesudah != "Pengaduan anggota soal SHU" {
		t.Errorf("manual case trail: %+v", trailA)
	}

	// 5. A closed reason is not raised again for the same tahun buku …
	if n, err := tl.Raise(ctx, ws.WH, ws.Config.TindakLanjut, asOf); err != nil || n != 0 {
		t.Fatalf("raise after closing: %d %v", n, err)
	}
	// … but an official may open it again by hand, and then the closed one cannot be reopened.
	idB2, err := tl.New(ctx, ws.WH, "kabid", tl.NewCase{NIK: nikB, Alasan: "tidak_aktif", Prioritas: "tinggi"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tl.SetStatus(ctx, ws.WH, "kabid", b.ID, "diproses"); !errors.As(err, &oc) || oc.ID != idB2 {
		t.Errorf("reopen beside an open case: %v", err)
	}

	// 6. Bad input is refused with a message in Bahasa Indonesia.
	for _, e := range []struct {
		err  error
		want string
	}{
		{func() error { _, err := tl.New(ctx, ws.WH, "budi", tl.NewCase{NIK: nikA, Alasan: "bosan"}); return err }(), `alasan "bosan" tidak dikenal`},
		{func() error {
			_, err := tl.New(ctx, ws.WH, "budi", tl.NewCase{NIK: "9999999999999999", Alasan: "lainnya"})
			return err
		}(), "tidak dikenal di gudang data"},
		{func() error { _, err := tl.New(ctx, ws.WH, " ", tl.NewCase{NIK: nikA, Alasan: "lainnya"}); return err }(), "wajib diisi"},
		{tl.SetStatus(ctx, ws.WH, "budi", idA, "beres"), `status "beres" tidak dikenal`},
		{tl.Assign(ctx, ws.WH, "budi", 424242, "siti"), "kasus tidak ditemukan"},
		{tl.AddNote(ctx, ws.WH, "budi", idA, "  "), "catatan kosong"},
	} {
		if e.err == nil || !strings.Contains(e.err.Error(), e.want) {
			t.Errorf("error %v, want %q", e.err, e.want)
		}
	}

	// 7. Filters.
	for _, f := range []struct {
		f    tl.Filter
		want int
	}{
		{tl.Filter{Status: "terbuka"}, 7}, {tl.Filter{Status: "selesai"}, 1}, {tl.Filter{}, 8},
		{tl.Filter{Petugas: "siti"}, 2}, {tl.Filter{Petugas: "andi"}, 5}, {tl.Filter{KodeWilayah: "32.76.02"}, 2}, {tl.Filter{KodeWilayah: "32.76"}, 8},
		{tl.Filter{Alasan: "tidak_aktif"}, 2}, {tl.Filter{Limit: 3}, 3},
	} {
		cs, err := tl.List(ctx, ws.WH, f.f)
		if err != nil || len(cs) != f.want {
			t.Errorf("filter %+v: %d cases (%v), want %d", f.f, len(cs), err, f.want)
		}
	}
	var open, total int
	if err := ws.WH.DB().QueryRow(`SELECT count(*) FILTER (WHERE terbuka), count(*) FROM mart.tindak_lanjut`).Scan(&open, &total); err != nil || open != 7 || total != 8 {
		t.Errorf("mart.tindak_lanjut: %d open of %d (%v)", open, total, err)
	}

	// 8. The XLSX for field visits (grouped by kecamatan) and the draft letter list.
	var buf bytes.Buffer
	n, err := tl.ExportXLSX(ctx, ws.WH, &buf, asOf, ws.Config.TindakLanjut.KodeSurat)
	if err != nil || n != 7 {
		t.Fatalf("export: %d %v", n, err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var kec1, kec2 string
	if err := ws.WH.DB().QueryRow(`SELECT max(kecamatan) FILTER (WHERE nik = ?), max(kecamatan) FILTER (WHERE nik = ?) FROM mart.koperasi`, nikA, nikD).Scan(&kec1, &kec2); err != nil {
		t.Fatal(err)
	}
	visit, _ := f.GetRows("Kasus Terbuka")
	var groups []string
	for _, r := range visit {
		if len(r) == 1 && strings.HasPrefix(r[0], "Kecamatan ") {
			groups = append(groups, r[0])
		}
	}
	wantGroups := []string{"Kecamatan " + kec1 + ", Kota Depok — 5 kasus", "Kecamatan " + kec2 + ", Kota Depok — 2 kasus"}
	sort.Strings(groups)
	sort.Strings(wantGroups)
	if fmt.Sprint(groups) != fmt.Sprint(wantGroups) {
		t.Errorf("kecamatan groups %q, want %q", groups, wantGroups)
	}
	letters, _ := f.GetRows("Surat Teguran")
	var subj []string
	for _, r := range letters[3:] {
		subj = append(subj, r[5][len(r[5])-1:]+" "+r[8])
	}
	sort.Strings(subj)
	wantSubj := []string{
		"2 Teguran atas tidak dilaksanakannya Rapat Anggota Tahunan tiga tahun buku berturut-turut",
		"3 Teguran atas belum dilaksanakannya Rapat Anggota Tahunan tahun buku 2025",
		"3 Teguran atas belum disampaikannya laporan tahunan koperasi tahun buku 2025",
	}
	if fmt.Sprint(subj) != fmt.Sprint(wantSubj) {
		t.Errorf("letters %q", subj)
	}
	rekap, _ := f.GetRows("Rekap")
	var totals []string
	for _, r := range rekap[3:] {
		totals = append(totals, r[1]+"="+r[len(r)-1])
	}
	sort.Strings(totals)
	wantTotals := []string{kec1 + "=5", kec2 + "=2"}
	sort.Strings(wantTotals)
	if fmt.Sprint(totals) != fmt.Sprint(wantTotals) {
		t.Errorf("rekap %v, want %v", totals, wantTotals)
	}
	if letters[3][1] != "001/TL/DISKOP/2026" {
		t.Errorf("letter number %q", letters[3][1])
	}
}
