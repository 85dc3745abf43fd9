package ingest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// An office rekap as Excel saves it: title rows, a two-row header with a merged "Jumlah Anggota" group,
// vertical merges, a numbering row, a "No" column, blank rows, numbers as numeric cells and as text,
// a date cell and a serial, abbreviations and units in the labels, Kec. prefixes, and a JUMLAH row.
func TestXLSXTitleRowsTwoRowHeaderTotals(t *testing.T) {
	ws := newWS(t)
	path := writeXLSX(t, filepath.Join(t.TempDir(), "rekap 2024.xlsx"), func(f *excelize.File) {
		s := "Sheet1"
		set(t, f, s, 1, "REKAPITULASI LAPORAN TAHUNAN KOPERASI")
		set(t, f, s, 2, "KOTA DEPOK — TAHUN BUKU 2024")
		set(t, f, s, 4, "No", "NIK", "Nama Koperasi", "Jenis", "Kecamatan", "Jumlah Anggota", nil, nil, "Simp. Pokok (Rp)", "Vol. Usaha", "SHU", "Tgl RAT")
		set(t, f, s, 5, nil, nil, nil, nil, nil, "Pria", "Wanita", "Jumlah")
		for _, m := range []string{"A1:L1", "A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:E5", "F4:H4", "I4:I5", "J4:J5", "K4:K5", "L4:L5"} {
			p := strings.Split(m, ":")
			if err := f.MergeCell(s, p[0], p[1]); err != nil {
				t.Fatal(err)
			}
		}
		set(t, f, s, 6, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
		set(t, f, s, 7, 1, "3276050000000001", "KSP Maju Jaya", "KSP", "Kec. Sukmajaya", 120, 80, 200, 1250000.5, "Rp 1,25 M", "(1.500.000)",
			time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC))
		set(t, f, s, 8, 2, "3276010000000002", "Kopwan Melati", "Kopwan", "PANCORAN MAS", "1.250", 30, nil, "1.250.000,50", 50000000, "-", 45731)
		set(t, f, s, 10, 3, "3276", "KSU Sejahtera", "KSU", "Beji", 10, 5, 15, "abc", 0, 0, nil)
		set(t, f, s, 11, "JUMLAH", nil, nil, nil, nil, 1380, 115, 1595, 2500001, nil, nil, nil)
	})
	sum := ingest(t, ws, path, Options{})
	if sum.Status != "diterima" || sum.RowsRead != 4 || sum.Accepted != 2 || sum.Quarantined != 1 || sum.Skipped != 1 || sum.Duplicate != 0 {
		t.Fatalf("summary: %+v", sum)
	}
	if len(sum.Unrecognised) != 0 {
		t.Errorf("unrecognised: %v", sum.Unrecognised)
	}
	expect(t, laporan(t, ws, "3276050000000001", 2024), map[string]string{
		"nama_koperasi": "KSP Maju Jaya", "jenis": "simpan_pinjam", "kelompok": "∅", "kode_wilayah": "32.76.05",
		"kecamatan": "Kec. Sukmajaya", "anggota_pria": "120", "anggota_wanita": "80", "jumlah_anggota": "200",
		"simpanan_pokok": "1250000.50", "volume_usaha": "1250000000.00", "shu": "-1500000.00", "tanggal_rat": "2025-03-15",
		"sheet": "Sheet1", "row_number": "7",
	})
	expect(t, laporan(t, ws, "3276010000000002", 2024), map[string]string{
		"nama_koperasi": "Kopwan Melati", "jenis": "∅", "kelompok": "wanita", "kode_wilayah": "32.76.01",
		"anggota_pria": "1250", "anggota_wanita": "30", "jumlah_anggota": "1280",
		"simpanan_pokok": "1250000.50", "volume_usaha": "50000000.00", "shu": "∅", "tanggal_rat": "2025-03-15", "row_number": "8",
	})
	sameList(t, "quarantine", quarantine(t, ws, sum.SubmissionID), []string{
		"Sheet1:10:nik:nik_tidak_sah",
		"Sheet1:10:simpanan_pokok:angka_tidak_terbaca",
	})
	q := rowsOf(t, ws, `SELECT column_label, value, filename FROM ops.quarantine WHERE column_name = 'simpanan_pokok'`)
	if len(q) != 1 || q[0][0] != "Simp. Pokok (Rp)" || q[0][1] != "abc" || q[0][2] != "rekap 2024.xlsx" {
		t.Errorf("quarantine label/value/file: %v", q)
	}
	// The JUMLAH row is kept in raw.rows as skipped, and its difference with the rows above is reported.
	sameList(t, "raw.rows", flat(rowsOf(t, ws, `SELECT row_number || ' ' || status FROM raw.rows ORDER BY row_number`)),
		[]string{"7 accepted", "8 accepted", "10 quarantined", "11 skipped"})
	if !hasWarning(sum, "baris 11 (baris jumlah)", "jumlah baris di atasnya 1495") || hasWarning(sum, "Simp. Pokok") {
		t.Errorf("totals warning: %q", sum.Warnings)
	}
}

func flat(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, " "))
	}
	return out
}

func hasWarning(s *Summary, parts ...string) bool {
	for _, w := range s.Warnings {
		ok := true
		for _, p := range parts {
			if !strings.Contains(w, p) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// Several sheets, one per year, as Google Sheets / WPS / LibreOffice write them (inline strings, a
// formula string cell, no styles): tahun_buku from the sheet name, a text cell "1.250" read as
// Indonesian grouping while the numeric cell 1.25 stays 1.25, region codes undotted and dotted.
func TestXLSXSheetsPerYearInlineStrings(t *testing.T) {
	ws := newWS(t)
	head := []rawCell{is("NIK"), is("Nama Koperasi"), is("Jml. Anggota (orang)"), is("Total Aset (Rp)"), is("Tanggal RAT"), is("Kode Wilayah")}
	path := writeRawXLSX(t, filepath.Join(t.TempDir(), "gsheets.xlsx"), false, map[string][][]rawCell{
		"2023": {head,
			{is("3276060000000001"), is("Koperasi Beji Makmur"), num("45"), is("1.250"), is("15 Mar 2024"), is("3276061001")},
			{is("3276060000000002"), is("KSP Tanah Baru"), is("1.045"), num("1.25"), num("45366"), is("32.76.06")},
		},
		"TB 2024": {head,
			{is("3276060000000001"), rawCell{"str", "Koperasi Beji Makmur"}, num("47"), num("1250000000"), is("2025-03-15"), num("3276061001")},
		},
		"Catatan": {{is("Data dikirim oleh petugas kecamatan")}},
	}, []string{"2023", "TB 2024", "Catatan"})
	sum := ingest(t, ws, path, Options{})
	if sum.Accepted != 3 || sum.Quarantined != 0 {
		t.Fatalf("summary: %+v", sum)
	}
	expect(t, laporan(t, ws, "3276060000000001", 2023), map[string]string{
		"jumlah_anggota": "45", "total_aset": "1250.00", "tanggal_rat": "2024-03-15", "kode_wilayah": "32.76.06.1001", "sheet": "2023"})
	expect(t, laporan(t, ws, "3276060000000002", 2023), map[string]string{
		"jumlah_anggota": "1045", "total_aset": "1.25", "tanggal_rat": "2024-03-15", "kode_wilayah": "32.76.06"})
	expect(t, laporan(t, ws, "3276060000000001", 2024), map[string]string{
		"nama_koperasi": "Koperasi Beji Makmur", "jumlah_anggota": "47", "total_aset": "1250000000.00", "tanggal_rat": "2025-03-15",
		"kode_wilayah": "32.76.06.1001", "sheet": "TB 2024"})
	if !hasWarning(sum, `"Catatan" dilewati`) {
		t.Errorf("warnings: %q", sum.Warnings)
	}
}

// One sheet per kecamatan with the year in a title row; region names with and without prefixes.
func TestXLSXSheetsPerKecamatanTitleYear(t *testing.T) {
	ws := newWS(t)
	path := writeXLSX(t, filepath.Join(t.TempDir(), "per-kecamatan.xlsx"), func(f *excelize.File) {
		f.SetSheetName("Sheet1", "Beji")
		f.NewSheet("Cimanggis")
		for _, s := range []struct{ sheet, kec, nik, desa string }{{"Beji", "Kec. Beji", "3276060000000011", "Kel. Kukusan"}, {"Cimanggis", "CIMANGGIS", "3276020000000012", "Tugu"}} {
			set(t, f, s.sheet, 1, "Laporan Koperasi Kecamatan "+s.sheet)
			set(t, f, s.sheet, 2, "Periode: 2024")
			set(t, f, s.sheet, 3, "NIK", "NAMA KOPERASI", "KAB./KOTA", "KEC.", "DESA/KEL.", "JML PRIA", "JML WANITA")
			set(t, f, s.sheet, 4, s.nik, "Kop "+s.sheet, "Kota Depok", s.kec, s.desa, 3, 4)
		}
	})
	sum := ingest(t, ws, path, Options{})
	if sum.Accepted != 2 || sum.Quarantined != 0 {
		t.Fatalf("summary: %+v", sum)
	}
	expect(t, laporan(t, ws, "3276060000000011", 2024), map[string]string{"kode_wilayah": "32.76.06.1002", "jumlah_anggota": "7"})
	expect(t, laporan(t, ws, "3276020000000012", 2024), map[string]string{"kode_wilayah": "32.76.02.1009", "sheet": "Cimanggis"})
}

// A workbook in the 1904 date system (old Mac Excel): serials are four years shorter.
func TestXLSXDate1904(t *testing.T) {
	ws := newWS(t)
	path := writeRawXLSX(t, filepath.Join(t.TempDir(), "mac.xlsx"), true, map[string][][]rawCell{
		"Data": {
			{is("LAPORAN TAHUN BUKU 2024")},
			{},
			{is("NIK"), is("Nama Koperasi"), is("Tanggal RAT"), is("Tgl. Badan Hukum")},
			{is("3276030000000001"), is("Kop Sawangan"), num("44269"), num("36000")},
		},
	}, []string{"Data"})
	sum := ingest(t, ws, path, Options{})
	if sum.Accepted != 1 {
		t.Fatalf("summary: %+v", sum)
	}
	bh := time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 36000).Format("2006-01-02")
	expect(t, laporan(t, ws, "3276030000000001", 2024), map[string]string{"tanggal_rat": "2025-03-15", "tanggal_badan_hukum": bh})
}

// CSV as Indonesian Excel saves it: ";" delimiter, UTF-8 BOM, numbers with units and grouping, names
// with prefixes; modal_sendiri derived from its parts and checked when present.
func TestCSVSemicolonBOM(t *testing.T) {
	ws := newWS(t)
	path := filepath.Join(t.TempDir(), "laporan.csv")
	body := "\xef\xbb\xbfNo;NIK;Nama Koperasi;Jenis Koperasi;Kab/Kota;Kec.;Desa/Kel.;Simp. Pokok (Rp);Simpanan Wajib (Rp);Dana Cadangan;Hibah;Modal Sendiri;Tahun Buku;Tanggal RAT;SHU\r\n" +
		"1;3276050000000021;Koperasi Karya Bhakti;Koperasi Simpan Pinjam;Kota Depok;Kec. Sukmajaya;Kel. Sukmajaya;Rp 1.250.000;Rp. 1,25 jt;2,5 rb;-;;2024;15/03/2025;-1.500.000\r\n" +
		"2;3276050000000022;KUD Sumber Tani;KUD;DEPOK;sukmajaya;;1.000.000,50;2.000.000;0;0;3.000.000,50;2024;15-03-2025;(250.000,75)\r\n" +
		";;;;;;;;;;;;;;\r\n" +
		"3;3276050000000023;Kopkar Sehati;Kopkar;Kota Depok;Sukmajaya;;100;200;300;400;9.999;2024;2025-03-15;0\r\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := ingest(t, ws, path, Options{})
	if sum.Accepted != 2 || sum.Quarantined != 1 {
		t.Fatalf("summary: %+v", sum)
	}
	expect(t, laporan(t, ws, "3276050000000021", 2024), map[string]string{
		"jenis": "simpan_pinjam", "kode_wilayah": "32.76.05.1001", "simpanan_pokok": "1250000.00", "simpanan_wajib": "1250000.00",
		"dana_cadangan": "2500.00", "hibah": "∅", "modal_sendiri": "∅", "shu": "-1500000.00", "tanggal_rat": "2025-03-15", "row_number": "2"})
	expect(t, laporan(t, ws, "3276050000000022", 2024), map[string]string{
		"kelompok": "kud", "jenis": "∅", "kode_wilayah": "32.76.05", "simpanan_pokok": "1000000.50", "modal_sendiri": "3000000.50", "shu": "-250000.75"})
	sameList(t, "quarantine", quarantine(t, ws, sum.SubmissionID), []string{"::5:modal_sendiri:tidak_konsisten"[1:]})
}

// A CSV saved as Windows-1252 with "," delimiter and English grouping in quotes.
func TestCSVWindows1252Comma(t *testing.T) {
	ws := newWS(t)
	path := filepath.Join(t.TempDir(), "ansi.csv")
	body := "NIK,Nama Koperasi,Tahun,Total Aset,Volume Usaha\n" +
		"3276060000000031,Koperasi Caf\xe9 Bersama,2024,\"1,250,000\",\"Rp 2,5 M\"\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := ingest(t, ws, path, Options{})
	if sum.Accepted != 1 {
		t.Fatalf("summary: %+v", sum)
	}
	expect(t, laporan(t, ws, "3276060000000031", 2024), map[string]string{
		"nama_koperasi": "Koperasi Café Bersama", "total_aset": "1250000.00", "volume_usaha": "2500000000.00"})
}

// jenis/kelompok/bentuk written as people write them, mixed in one column.
func TestMixedJenisList(t *testing.T) {
	ws := newWS(t)
	path := filepath.Join(t.TempDir(), "jenis.csv")
	cases := []struct{ written, jenis, kelompok, bentuk string }{
		{"KSP", "simpan_pinjam", "∅", "∅"},
		{"Koperasi Simpan Pinjam", "simpan_pinjam", "∅", "∅"},
		{"KSPPS", "simpan_pinjam_syariah", "∅", "∅"},
		{"KSU", "serba_usaha", "∅", "∅"},
		{"Serba Usaha", "serba_usaha", "∅", "∅"},
		{"Kopwan", "∅", "wanita", "∅"},
		{"Kopkar", "∅", "karyawan", "∅"},
		{"Kopontren", "∅", "pesantren", "∅"},
		{"KUD", "∅", "kud", "∅"},
		{"Koperasi Sekunder", "∅", "∅", "sekunder"},
	}
	var b strings.Builder
	b.WriteString("NIK;Nama;Jenis/Kelompok;Tahun Buku\n")
	for i, c := range cases {
		b.WriteString("32760500000001" + string(rune('0'+i/10)) + string(rune('0'+i%10)) + ";Kop " + c.written + ";" + c.written + ";2024\n")
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
	ws.Config.HeaderMaps = map[string]string{"Jenis/Kelompok": "jenis"}
	sum := ingest(t, ws, path, Options{})
	if sum.Accepted != len(cases) {
		t.Fatalf("summary: %+v", sum)
	}
	for i, c := range cases {
		nik := "32760500000001" + string(rune('0'+i/10)) + string(rune('0'+i%10))
		expect(t, laporan(t, ws, nik, 2024), map[string]string{"jenis": c.jenis, "kelompok": c.kelompok, "bentuk": c.bentuk})
	}
}

// Every row rule of SPEC §3, each rejected row in quarantine with its row number, column and reason;
// the valid rows of the same file still load.
func TestValidationQuarantine(t *testing.T) {
	ws := newWS(t)
	path := filepath.Join(t.TempDir(), "salah.csv")
	body := "NIK;Nama Koperasi;Tahun Buku;Anggota Pria;Anggota Wanita;Jumlah Anggota;Tanggal RAT;Simpanan Pokok;Kecamatan;Jenis;Jumlah Karyawan\n" +
		"3276050000000041;Baik;2024;10;5;15;15/03/2025;1.000;Beji;KSP;2\n" + // 2: ok
		"3276050000000042;Jumlah Salah;2024;10;5;16;;;;;\n" + // 3
		";Tanpa NIK;2024;;;;;;;;\n" + // 4
		"3,27605E+15;NIK Ilmiah;2024;;;;;;;;\n" + // 5
		"3276050000000045;;2024;;;;;;;;\n" + // 6: no name
		"3276050000000046;RAT Aneh;2024;;;;15/03/2020;;;;\n" + // 7
		"3276050000000047;Negatif;2024;-3;;;;;;;\n" + // 8
		"3276050000000048;Angka Rusak;2024;;;;;12abc;;;\n" + // 9
		"3276050000000049;Tanggal Rusak;2024;;;;31/02/2025;;;;\n" + // 10
		"3276050000000050;Wilayah Luar;2024;;;;;;Coblong;;\n" + // 11: Bandung, not Depok
		"3276050000000051;Jenis Aneh;2024;;;;;;;Koperasi Bintang;\n" + // 12
		"3276050000000052;Tahun Aneh;1899;;;;;;;;\n" + // 13
		"3276050000000053;Pecahan;2024;;;;;;;;2,5\n" // 14
	os.WriteFile(path, []byte(body), 0o644)
	sum := ingest(t, ws, path, Options{})
	if sum.Accepted != 1 || sum.Quarantined != 12 || sum.RowsRead != 13 {
		t.Fatalf("summary: %+v", sum)
	}
	sameList(t, "quarantine", quarantine(t, ws, sum.SubmissionID), []string{
		":3:jumlah_anggota:tidak_konsisten",
		":4:nik:wajib_kosong",
		":5:nik:nik_rusak",
		":6:nama_koperasi:wajib_kosong",
		":7:tanggal_rat:tanggal_tidak_wajar",
		":8:anggota_pria:negatif",
		":9:simpanan_pokok:angka_tidak_terbaca",
		":10:tanggal_rat:tanggal_tidak_terbaca",
		":11:kecamatan:wilayah_tidak_dikenal",
		":12:jenis:kode_tidak_dikenal",
		":13:tahun_buku:di_luar_rentang",
		":14:jumlah_karyawan:angka_tidak_terbaca",
	})
	expect(t, laporan(t, ws, "3276050000000041", 2024), map[string]string{"simpanan_pokok": "1000.00", "kode_wilayah": "32.76.06"})
	// Reasons are in Bahasa Indonesia and name the value.
	r := rowsOf(t, ws, `SELECT reason FROM ops.quarantine WHERE row_number = 3`)
	if !strings.Contains(r[0][0], "tidak sama dengan pria 10 + wanita 5 = 15") {
		t.Errorf("reason: %q", r[0][0])
	}
}

// Exact duplicate rows collapse with a warning; the same NIK and year with different values are both
// quarantined as "duplikat bertentangan".
func TestDuplicates(t *testing.T) {
	ws := newWS(t)
	path := filepath.Join(t.TempDir(), "dup.csv")
	os.WriteFile(path, []byte("NIK;Nama;Tahun Buku;Total Aset\n"+
		"3276050000000061;Kop A;2024;1.000\n"+
		"3276050000000061;Kop A;2024;1.000\n"+
		"3276050000000062;Kop B;2024;1.000\n"+
		"3276050000000062;Kop B;2024;2.000\n"), 0o644)
	sum := ingest(t, ws, path, Options{})
	if sum.Accepted != 1 || sum.Duplicate != 1 || sum.Quarantined != 2 {
		t.Fatalf("summary: %+v", sum)
	}
	sameList(t, "quarantine", quarantine(t, ws, sum.SubmissionID), []string{":4::duplikat_bertentangan", ":5::duplikat_bertentangan"})
	if !hasWarning(sum, "baris 3 sama persis dengan baris 2") {
		t.Errorf("warnings: %q", sum.Warnings)
	}
}

// The same bytes twice are a reported no-op; --dry-run writes nothing; a file is loaded in one
// transaction (a failure half-way leaves no trace of its rows).
func TestReingestDryRunTransaction(t *testing.T) {
	ws := newWS(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "a.csv")
	os.WriteFile(path, []byte("NIK;Nama;Tahun Buku\n3276050000000071;Kop A;2024\n;Tanpa NIK;2024\n"), 0o644)

	dry := ingest(t, ws, path, Options{DryRun: true})
	if dry.Status != "uji" || dry.Accepted != 1 || dry.Quarantined != 1 || len(dry.Problems) != 1 || dry.Problems[0].Row != 3 {
		t.Fatalf("dry run: %+v", dry)
	}
	for _, tbl := range []string{"ops.submissions", "raw.rows", "raw.laporan", "ops.quarantine"} {
		if n := count(t, ws, "SELECT count(*) FROM "+tbl); n != 0 {
			t.Errorf("dry run wrote %d rows to %s", n, tbl)
		}
	}
	first := ingest(t, ws, path, Options{})
	again := ingest(t, ws, path, Options{})
	if again.Status != "duplikat" || again.SubmissionID != first.SubmissionID || !strings.Contains(again.Message, "tidak ada yang berubah") {
		t.Fatalf("re-ingest: %+v", again)
	}
	// A copy under another name is the same content: still a no-op.
	b, _ := os.ReadFile(path)
	copyPath := filepath.Join(dir, "salinan.csv")
	os.WriteFile(copyPath, b, 0o644)
	if s := ingest(t, ws, copyPath, Options{}); s.Status != "duplikat" {
		t.Fatalf("copy: %+v", s)
	}
	for tbl, want := range map[string]int{"ops.submissions": 1, "raw.rows": 2, "raw.laporan": 1, "ops.quarantine": 1} {
		if n := count(t, ws, "SELECT count(*) FROM "+tbl); n != want {
			t.Errorf("%s: %d rows, want %d", tbl, n, want)
		}
	}
	// Break the last step of the load (quarantine insert): nothing of the file may remain.
	if _, err := ws.WH.DB().Exec(`ALTER TABLE ops.quarantine RENAME TO quarantine_hidden`); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "b.csv")
	os.WriteFile(bad, []byte("NIK;Nama;Tahun Buku\n3276050000000072;Kop B;2024\n;Tanpa NIK;2024\n"), 0o644)
	if _, err := IngestFile(context.Background(), ws, bad, Options{}); err == nil {
		t.Fatal("load with a broken quarantine table succeeded")
	}
	for tbl, want := range map[string]int{"ops.submissions": 1, "raw.rows": 2, "raw.laporan": 1} {
		if n := count(t, ws, "SELECT count(*) FROM "+tbl); n != want {
			t.Errorf("after failed load %s: %d rows, want %d (not one transaction)", tbl, n, want)
		}
	}
}

// Per-office header overrides ([header_map] in pantau.toml) and the report of unknown columns.
func TestHeaderOverridesAndUnknownColumns(t *testing.T) {
	ws := newWS(t)
	path := filepath.Join(t.TempDir(), "kantor.csv")
	os.WriteFile(path, []byte("NIK;Nama;Tahun Buku;Aset Akhir Th. (Rp);Catatan Petugas\n3276050000000081;Kop A;2024;1.500.000;ok\n"), 0o644)
	sum := ingest(t, ws, path, Options{DryRun: true})
	sameList(t, "unrecognised before override", sum.Unrecognised, []string{"Aset Akhir Th. (Rp)", "Catatan Petugas"})

	ws.Config.HeaderMaps = map[string]string{"aset akhir th": "total_aset"}
	sum = ingest(t, ws, path, Options{})
	sameList(t, "unrecognised after override", sum.Unrecognised, []string{"Catatan Petugas"})
	expect(t, laporan(t, ws, "3276050000000081", 2024), map[string]string{"total_aset": "1500000.00"})
	// The unknown column is not lost: raw.rows keeps every cell as written.
	cells := rowsOf(t, ws, `SELECT cells FROM raw.rows`)[0][0]
	var m map[string]string
	json.Unmarshal([]byte(cells), &m)
	if m["Catatan Petugas"] != "ok" || m["Aset Akhir Th. (Rp)"] != "1.500.000" {
		t.Errorf("raw cells: %s", cells)
	}
}
