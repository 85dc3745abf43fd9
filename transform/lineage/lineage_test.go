package lineage

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/ingest/pull"
	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/transform"
)

// A messy CSV goes through the real ingest and transform; lineage finds each figure's column label
// and the cell as written.
func TestLineageFromMessyCSV(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ws, _, err := workspace.Init(ctx, dir, "32.76", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := write("laporan_depok.csv", "LAPORAN TAHUNAN KOPERASI KOTA DEPOK;;;;;;;;\n"+
		"NIK;Nama Koperasi;Tahun Buku;Kode Wilayah;Jml. Anggota Pria;Anggota Wanita;Simpanan Pokok (Rp);Simpanan Wajib (Rp);Total Aset (Rp)\n"+
		"3276010000000001;KSP Maju;2023;32.76.01;40;60;Rp 1.250.000;2.000.000,50;Rp. 1,25 M\n"+
		"3276010000000002;KSP Jaya;2023;32.76.01;10;5;-;500.000;100.000.000\n")
	second := write("laporan_depok_revisi.csv", "NIK;Nama Koperasi;Tahun Buku;Kode Wilayah;Anggota Pria;Anggota Wanita;Simpanan Pokok;Simpanan Wajib;Aset\n"+
		"3276010000000001;KSP Maju;2023;32.76.01;40;60;1.250.000;2.000.000,50;1,3 M\n")
	for _, p := range []string{first, second} {
		if s, err := ingest.IngestFile(ctx, ws, p, ingest.Options{Source: "file"}); err != nil || s.Quarantined != 0 {
			t.Fatalf("ingest %s: %+v %v", p, s, err)
		}
	}
	if _, err := transform.Run(ctx, ws, nil); err != nil {
		t.Fatal(err)
	}

	tr, err := Get(ctx, ws.WH.DB(), nil, "3276010000000002", 2023)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Published || tr.Filename != "laporan_depok.csv" || tr.Row != 4 || len(tr.Versions) != 1 {
		t.Errorf("trace %+v, want laporan_depok.csv row 4 (title 1, header 2), one version", tr)
	}
	want := map[string][3]string{ // field → value, column label, raw cell
		"simpanan_wajib": {"500000.00", "Simpanan Wajib (Rp)", "500.000"},
		"total_aset":     {"100000000.00", "Total Aset (Rp)", "100.000.000"},
		"anggota_pria":   {"10", "Jml. Anggota Pria", "10"},
		"nama_koperasi":  {"KSP Jaya", "Nama Koperasi", "KSP Jaya"},
	}
	got := map[string]Figure{}
	for _, f := range tr.Figures {
		got[f.Field] = f
	}
	for field, w := range want {
		f := got[field]
		if f.Value != w[0] || f.ColumnLabel != w[1] || f.Raw != w[2] {
			t.Errorf("%s: %+v, want value %s from column %q cell %q", field, f, w[0], w[1], w[2])
		}
	}
	if f := got["jumlah_anggota"]; f.Value != "15" || f.ColumnLabel != "" || f.Derived != "dihitung: anggota pria + anggota wanita" {
		t.Errorf("jumlah_anggota: %+v, want 15 derived from pria + wanita", f)
	}
	if _, ok := got["simpanan_pokok"]; ok {
		t.Errorf("simpanan_pokok written as '-' (none) shows a figure: %+v", got["simpanan_pokok"])
	}

	// the corrected file is in force; both versions are listed
	tr, err = Get(ctx, ws.WH.DB(), nil, "3276010000000001", 2023)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Filename != "laporan_depok_revisi.csv" || tr.Row != 2 || len(tr.Versions) != 2 || tr.Versions[0].Status != "digantikan" || tr.Versions[1].Status != "berlaku" {
		t.Errorf("trace %+v, want the revision (row 2) in force and 2 versions", tr)
	}
	for _, f := range tr.Figures {
		if f.Field == "total_aset" && (f.Value != "1300000000.00" || f.ColumnLabel != "Aset" || f.Raw != "1,3 M") {
			t.Errorf("total_aset %+v, want 1300000000.00 from column Aset cell '1,3 M'", f)
		}
	}

	if _, err := Get(ctx, ws.WH.DB(), nil, "3276010000000009", 2023); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown report: %v", err)
	}
}

// A pulled API record: each figure is traced to its JSON path in the page kept in raw.rows, and a
// figure the source's mapping renamed or scaled says so. Before `pantau transform` the report is
// "awaiting transform", not "held".
func TestLineageFromAPIRecord(t *testing.T) {
	ctx := context.Background()
	ws, _, err := workspace.Init(ctx, t.TempDir(), "32.76", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data": [{"koperasi": {"nik": "3276010000000009", "nama": "KSP Lestari", "kode_wilayah": "32.76.01"},
			"periode": {"tahun_buku": 2024}, "keuangan": {"simpanan_wajib": "Rp 2.500.000", "aset_ribu": 1500}}]}`)
	}))
	defer srv.Close()
	s := config.DefaultSumber()
	s.Nama, s.URL, s.Paginasi = "app", srv.URL, "none"
	s.Peta = map[string]string{"nik": "koperasi.nik", "nama_koperasi": "koperasi.nama", "kode_wilayah": "koperasi.kode_wilayah",
		"tahun_buku": "periode.tahun_buku", "simpanan_wajib": "keuangan.simpanan_wajib", "total_aset": "keuangan.aset_ribu"}
	s.Kali = map[string]float64{"total_aset": 1000}
	if _, err := transform.Run(ctx, ws, nil); err != nil { // an earlier run: the models exist
		t.Fatal(err)
	}
	if _, err := pull.Pull(ctx, ws, &s, pull.Options{}); err != nil {
		t.Fatal(err)
	}
	tr, err := Get(ctx, ws.WH.DB(), nil, "3276010000000009", 2024)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Published || !tr.AwaitingTransform {
		t.Errorf("before transform: published %v, awaiting transform %v; want false, true", tr.Published, tr.AwaitingTransform)
	}
	if _, err := transform.Run(ctx, ws, nil); err != nil {
		t.Fatal(err)
	}
	if tr, err = Get(ctx, ws.WH.DB(), nil, "3276010000000009", 2024); err != nil {
		t.Fatal(err)
	}
	if !tr.Published || tr.AwaitingTransform || tr.Source != "api:app" {
		t.Errorf("after transform: %+v", tr)
	}
	got := map[string]Figure{}
	for _, f := range tr.Figures {
		got[f.Field] = f
	}
	for field, w := range map[string][3]string{
		"simpanan_wajib": {"2500000.00", "keuangan.simpanan_wajib", "Rp 2.500.000"},
		"tahun_buku":     {"2024", "periode.tahun_buku", "2024"},
		"nama_koperasi":  {"KSP Lestari", "koperasi.nama", "KSP Lestari"},
	} {
		if f := got[field]; f.Value != w[0] || f.ColumnLabel != w[1] || f.Raw != w[2] {
			t.Errorf("%s: %+v, want %s from %q cell %q", field, f, w[0], w[1], w[2])
		}
	}
	if f := got["total_aset"]; f.Value != "1500000.00" || f.ColumnLabel != "" || !strings.Contains(f.Derived, "peta [[sumber]]") {
		t.Errorf("total_aset (aset_ribu × 1000): %+v, want 1500000.00 attributed to the source's mapping", f)
	}
}
