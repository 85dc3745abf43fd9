package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pantau runs the CLI in-process with args and returns stdout.
func pantau(t *testing.T, args ...string) (string, error) {
	t.Helper()
	g = globals{}
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func mustPantau(t *testing.T, args ...string) string {
	t.Helper()
	out, err := pantau(t, args...)
	if err != nil {
		t.Fatalf("pantau %v: %v\n%s", args, err, out)
	}
	return out
}

func sqlRows(t *testing.T, dir, q string) [][]string {
	t.Helper()
	out := mustPantau(t, "-C", dir, "sql", q)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, out)
	}
	return recs[1:]
}

// The walking skeleton end to end: init → small demo → marts through `pantau sql` → the page uses
// local assets only.
func TestDemoEndToEnd(t *testing.T) {
	t.Setenv("PANTAU_AS_OF", "2026-11-22")
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32")
	out := mustPantau(t, "-C", dir, "demo", "--koperasi", "150", "--seed", "7")
	if !strings.Contains(out, "150 koperasi") {
		t.Fatalf("demo output: %s", out)
	}
	if got := sqlRows(t, dir, "select count(*) from mart.koperasi"); got[0][0] != "150" {
		t.Fatalf("mart.koperasi has %s rows, want the 150 generated", got[0][0])
	}
	// Every status of SPEC §4 occurs, and every cooperative has one.
	st := map[string]bool{}
	for _, r := range sqlRows(t, dir, "select coalesce(status_aktif, 'NULL'), count(*) from mart.koperasi group by 1") {
		st[r[0]] = true
	}
	for _, want := range []string{"aktif", "tidak_aktif"} {
		if !st[want] {
			t.Errorf("no cooperative is %s: %v", want, st)
		}
	}
	if st["NULL"] {
		t.Error("a cooperative has no activity status")
	}
	// The messy files' planted mistakes are quarantined with row numbers and reasons.
	q := sqlRows(t, dir, "select count(*), count(*) filter (where row_number > 0 and reason <> '') from ops.quarantine")
	if q[0][0] == "0" || q[0][0] != q[0][1] {
		t.Fatalf("quarantine rows %v", q)
	}
	// One report per cooperative and year; the duplicate file counted once.
	if d := sqlRows(t, dir, "select count(*) from (select nik, tahun_buku from mart.laporan group by all having count(*) > 1)"); d[0][0] != "0" {
		t.Fatalf("%s duplicate reports", d[0][0])
	}
	if d := sqlRows(t, dir, "select count(*) from ops.submissions where status = 'diterima' and sha256 in (select sha256 from ops.submissions group by 1 having count(*) > 1)"); d[0][0] != "0" {
		t.Fatal("the same file was loaded twice")
	}
	// Money is exact: modal sendiri equals its four parts in every current report that has them.
	if d := sqlRows(t, dir, `select count(*) from mart.laporan where simpanan_pokok is not null and simpanan_wajib is not null
		and dana_cadangan is not null and hibah is not null and modal_sendiri <> simpanan_pokok + simpanan_wajib + dana_cadangan + hibah`); d[0][0] != "0" {
		t.Fatalf("%s reports with modal_sendiri not equal to its parts", d[0][0])
	}
	// The inbox is empty: every file was archived.
	left, _ := filepath.Glob(filepath.Join(dir, "inbox", "*"))
	if len(left) != 0 {
		t.Fatalf("files left in inbox: %v", left)
	}
	// The page references only local assets, and the asset is there.
	page, err := os.ReadFile(filepath.Join(dir, "public", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`(?i)(?:src|href)\s*=\s*["']([^"']+)["']`).FindAllStringSubmatch(string(page), -1) {
		if strings.Contains(m[1], "://") || strings.HasPrefix(m[1], "//") {
			t.Errorf("page references a remote asset: %s", m[1])
		}
	}
	if !strings.Contains(string(page), `src="assets/echarts.min.js"`) {
		t.Error("page does not load the local ECharts")
	}
	if st, err := os.Stat(filepath.Join(dir, "public", "assets", "echarts.min.js")); err != nil || st.Size() < 500_000 {
		t.Fatalf("echarts.min.js missing beside the page: %v", err)
	}
	// sql is read-only.
	if _, err := pantau(t, "-C", dir, "sql", "delete from mart.keaktifan"); err == nil || !strings.Contains(err.Error(), "hanya-baca") {
		t.Fatalf("a write through pantau sql must be refused, got %v", err)
	}
}

// A hand-made CSV with known values: the marts hold exactly those values, and re-ingesting is a no-op.
func TestIngestExactValues(t *testing.T) {
	t.Setenv("PANTAU_AS_OF", "2026-11-22")
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32.76")
	csvText := "LAPORAN TAHUNAN KOPERASI KOTA DEPOK\nTahun Buku 2025\n\n" +
		"No;NIK;Nama Koperasi;Jenis;Kecamatan;Anggota Pria;Anggota Wanita;Simpanan Pokok (Rp);Simpanan Wajib;Dana Cadangan;Hibah;Tgl RAT;Vol. Usaha;SHU\n" +
		"1;3276010000000001;KSP Maju Bersama;KSP;Kec. Sukmajaya;70;50;Rp 1.250.000;2.500.000,50;Rp. 1,5 jt;-;15 Maret 2026;Rp. 1,25 M;(1.500.000)\n" +
		"2;3276010000000002;Kopwan Melati;Kopwan;BEJI;1;199;1.000;2.000;3.000;4.000;2026-04-01;3 jt;250 rb\n" +
		"3;3276010000000003;Koperasi Tanpa Angka;Konsumen;Beji;10;10;dua juta;1;1;1;01/04/2026;1;1\n" +
		";JUMLAH;;;;81;259;;;;;;;\n"
	path := filepath.Join(t.TempDir(), "laporan_depok.csv")
	os.WriteFile(path, []byte(csvText), 0o644)
	out := mustPantau(t, "-C", dir, "ingest", path)
	if !strings.Contains(out, "2 diterima, 1 karantina") {
		t.Fatalf("summary: %s", out)
	}
	if !strings.Contains(out, `baris 7, kolom Simpanan Pokok (Rp): "dua juta" bukan angka`) {
		t.Fatalf("the rejection must name row and column: %s", out)
	}
	again := mustPantau(t, "-C", dir, "ingest", path)
	if !strings.Contains(again, "sudah diterima") {
		t.Fatalf("second ingest: %s", again)
	}
	mustPantau(t, "-C", dir, "transform")
	mustPantau(t, "-C", dir, "score")
	got := sqlRows(t, dir, `select nik, jenis, kelompok, kecamatan, jumlah_anggota, simpanan_pokok, simpanan_wajib, dana_cadangan,
		hibah, modal_sendiri, volume_usaha, shu, tanggal_rat, tahun_buku from mart.laporan order by nik`)
	want := [][]string{
		// 1.250.000 + 2.500.000,50 + 1.500.000 + none = 5.250.000,50; 1,25 M = 1.250.000.000
		{"3276010000000001", "simpan_pinjam", "", "Sukmajaya", "120", "1250000.00", "2500000.50", "1500000.00", "", "5250000.50", "1250000000.00", "-1500000.00", "2026-03-15", "2025"},
		{"3276010000000002", "", "wanita", "Beji", "200", "1000.00", "2000.00", "3000.00", "4000.00", "10000.00", "3000000.00", "250000.00", "2026-04-01", "2025"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows: %v", len(got), got)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d\n got %v\nwant %v", i, got[i], want[i])
		}
	}
	st := sqlRows(t, dir, "select nik, status_aktif from mart.koperasi order by nik")
	if len(st) != 2 || st[0][1] != "aktif" || st[1][1] != "aktif" {
		t.Fatalf("status: %v", st)
	}
}
