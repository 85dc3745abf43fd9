package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pantau-koperasi/pantau/internal/fields"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

func names(fs []fields.Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// Legacy .xls/.ods: refused with a how-to when LibreOffice is missing, converted when it is there.
// The conversion is exercised with a stand-in soffice on PATH that behaves like the real one
// (--headless --convert-to xlsx --outdir DIR FILE writes DIR/<name>.xlsx).
func TestLegacyRefusedOrConverted(t *testing.T) {
	ws := newWS(t)
	dir := t.TempDir()
	xls := filepath.Join(dir, "lama.xls")
	os.WriteFile(xls, []byte("\xd0\xcf\x11\xe0 not really an xls"), 0o644)

	for _, cmd := range []string{"", "soffice-yang-tidak-ada"} {
		ws.Config.Ingest.LibreOffice = cmd
		s, err := IngestFile(context.Background(), ws, xls, Options{DryRun: true})
		var fe *FileError
		if !errors.As(err, &fe) || !errors.Is(err, ErrUnsupported) || !strings.Contains(fe.Msg, "simpan sebagai .xlsx") || s.Status != "ditolak" {
			t.Fatalf("libreoffice %q: %v %+v", cmd, err, s)
		}
	}

	// The converted workbook the stand-in "produces".
	conv := writeXLSX(t, filepath.Join(dir, "converted.xlsx"), func(f *excelize.File) {
		set(t, f, "Sheet1", 1, "NIK", "Nama Koperasi", "Tahun Buku", "Total Aset")
		set(t, f, "Sheet1", 2, "3276050000000091", "Kop Lama", 2024, 1500000)
	})
	bin := filepath.Join(dir, "bin")
	os.MkdirAll(bin, 0o755)
	script := `#!/bin/sh
out=""; in=""
while [ $# -gt 0 ]; do
  case "$1" in
    --outdir) out="$2"; shift ;;
    --convert-to|-env:*|--headless|--norestore) [ "$1" = "--convert-to" ] && shift ;;
    *) in="$1" ;;
  esac
  shift
done
[ -f "$in" ] || { echo "no input" >&2; exit 1; }
mkdir -p "$out" && cp "` + conv + `" "$out/$(basename "${in%.*}").xlsx"
`
	os.WriteFile(filepath.Join(bin, "soffice"), []byte(script), 0o755)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	ws.Config.Ingest.LibreOffice = "soffice"
	for _, name := range []string{"lama.xls", "lama.ods"} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("legacy "+name), 0o644)
		s := ingest(t, ws, p, Options{})
		if s.Accepted != 1 || s.File != name {
			t.Fatalf("%s: %+v", name, s)
		}
	}
	if n := count(t, ws, `SELECT count(*) FROM ops.submissions WHERE filename IN ('lama.xls', 'lama.ods') AND status = 'diterima'`); n != 2 {
		t.Errorf("submissions: %d", n)
	}
	expect(t, laporan2(t, ws, "3276050000000091"), map[string]string{"total_aset": "1500000.00"})

	// A converter that fails: a clear error, not a crash.
	os.WriteFile(filepath.Join(bin, "soffice"), []byte("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n"), 0o755)
	p := filepath.Join(dir, "rusak.xls")
	os.WriteFile(p, []byte("rusak"), 0o644)
	_, err := IngestFile(context.Background(), ws, p, Options{DryRun: true})
	if err == nil || !strings.Contains(err.Error(), "konversi .xls/.ods dengan LibreOffice gagal") {
		t.Fatalf("failing converter: %v", err)
	}
}

// laporan2 returns the first loaded row of a NIK (any year, any submission).
func laporan2(t *testing.T, ws *workspace.Workspace, nik string) map[string]string {
	t.Helper()
	rows := rowsOf(t, ws, `SELECT total_aset::VARCHAR FROM raw.laporan WHERE nik = ? LIMIT 1`, nik)
	if len(rows) == 0 {
		t.Fatalf("no row for %s", nik)
	}
	return map[string]string{"nik": nik, "total_aset": rows[0][0]}
}

// Each limit refuses the file with a clear message naming the setting.
func TestLimits(t *testing.T) {
	ws := newWS(t)
	dir := t.TempDir()
	try := func(path string) error {
		t.Helper()
		_, err := IngestFile(context.Background(), ws, path, Options{DryRun: true})
		return err
	}
	reset := func() {
		ws.Config.Ingest.MaxFileMB, ws.Config.Ingest.MaxUnzipMB, ws.Config.Ingest.MaxCompressionRatio = 100, 500, 100
		ws.Config.Ingest.MaxRows, ws.Config.Ingest.MaxEmptyRows = 1_000_000, 1000
	}

	// File size.
	reset()
	ws.Config.Ingest.MaxFileMB = 1
	big := filepath.Join(dir, "besar.csv")
	os.WriteFile(big, append([]byte("NIK;Nama;Tahun\n"), bytes.Repeat([]byte("3276050000000001;Kop;2024\n"), 60000)...), 0o644)
	if err := try(big); err == nil || !strings.Contains(err.Error(), "ingest.max_file_mb") {
		t.Errorf("file size: %v", err)
	}

	// Unzipped size and compression ratio (a zip bomb: 24 MB of one character).
	bomb := filepath.Join(dir, "bom.xlsx")
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	w.Write(bytes.Repeat([]byte{' '}, 24<<20))
	zw.Close()
	os.WriteFile(bomb, zb.Bytes(), 0o644)
	reset()
	ws.Config.Ingest.MaxUnzipMB = 10
	if err := try(bomb); err == nil || !strings.Contains(err.Error(), "ingest.max_unzip_mb") {
		t.Errorf("unzip size: %v", err)
	}
	reset()
	if err := try(bomb); err == nil || !strings.Contains(err.Error(), "ingest.max_compression_ratio") {
		t.Errorf("compression ratio: %v", err)
	}

	// Rows.
	reset()
	ws.Config.Ingest.MaxRows = 3
	rows := filepath.Join(dir, "baris.csv")
	os.WriteFile(rows, []byte("NIK;Nama;Tahun\n3276050000000001;A;2024\n3276050000000002;B;2024\n3276050000000003;C;2024\n"), 0o644)
	if err := try(rows); err == nil || !strings.Contains(err.Error(), "ingest.max_rows") {
		t.Errorf("rows: %v", err)
	}
	xrows := writeXLSX(t, filepath.Join(dir, "baris.xlsx"), func(f *excelize.File) {
		for i := 1; i <= 5; i++ {
			set(t, f, "Sheet1", i, "NIK", "Nama", "Tahun")
		}
	})
	if err := try(xrows); err == nil || !strings.Contains(err.Error(), "ingest.max_rows") {
		t.Errorf("xlsx rows: %v", err)
	}

	// Trailing empty rows (Excel's phantom used range): reading stops, with a warning, data above loads.
	reset()
	ws.Config.Ingest.MaxEmptyRows = 10
	empty := writeXLSX(t, filepath.Join(dir, "kosong.xlsx"), func(f *excelize.File) {
		set(t, f, "Sheet1", 1, "NIK", "Nama", "Tahun Buku")
		set(t, f, "Sheet1", 2, "3276050000000001", "A", 2024)
		st, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		f.SetCellStyle("Sheet1", "A3", "C40", st) // formatted but empty rows
		set(t, f, "Sheet1", 41, "3276050000000002", "B", 2024)
	})
	s := ingest(t, ws, empty, Options{DryRun: true})
	if s.Accepted != 1 || !hasWarning(s, "berhenti setelah 10 baris kosong", "ingest.max_empty_rows") {
		t.Errorf("empty rows: %+v", s)
	}
}

// The template: instruction sheet, dropdowns with the office's kecamatan, validation; filled in (both
// sheets, the way a cooperative would), it loads exactly as one row with every field.
func TestTemplateFilledLoadsExactly(t *testing.T) {
	ws := newWS(t)
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, TemplateOptions{Wilayah: "32.76", Kantor: "Dinas Koperasi Kota Depok"}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	sheets := f.GetSheetList()
	if strings.Join(sheets, ",") != "Petunjuk,Laporan,Keuangan KSP,Daftar" {
		t.Fatalf("sheets: %v", sheets)
	}
	if vis, _ := f.GetSheetVisible("Daftar"); vis {
		t.Error("list sheet is visible")
	}
	kec, _ := f.GetRows("Daftar")
	var kecs []string
	for _, r := range kec[1:] {
		if len(r) > 3 && r[3] != "" {
			kecs = append(kecs, r[3])
		}
	}
	if len(kecs) != 11 || kecs[0] != "Beji" {
		t.Errorf("kecamatan list: %v", kecs)
	}
	dvs, _ := f.GetDataValidations("Laporan")
	types := map[string]int{}
	for _, dv := range dvs {
		types[dv.Type]++
	}
	if types["list"] != 4 || types["decimal"] == 0 || types["whole"] == 0 || types["date"] == 0 || types["textLength"] != 1 {
		t.Errorf("validations: %v", types)
	}
	if a1, _ := f.GetCellValue("Petunjuk", "A1"); !strings.Contains(a1, "PETUNJUK PENGISIAN") {
		t.Errorf("instructions: %q", a1)
	}
	// Fill one cooperative on both sheets.
	laporanCols, kspCols := TemplateColumns()
	vals := map[string]any{
		"nik": "3276060000000101", "nama_koperasi": "KSP Template Jaya", "nomor_badan_hukum": "123/BH/XIII.1/2010",
		"tanggal_badan_hukum": time.Date(2010, 5, 4, 0, 0, 0, 0, time.UTC), "bentuk": "Primer", "jenis": "Simpan Pinjam",
		"kelompok": "Karyawan", "kecamatan": "Beji", "desa_kelurahan": "Kukusan", "tahun_buku": 2024,
		"tanggal_rat": time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC), "anggota_pria": 120, "anggota_wanita": 80,
		"simpanan_pokok": 1250000.5, "simpanan_wajib": 2000000, "dana_cadangan": 300000, "hibah": 0, "total_aset": 987654321.25,
		"shu": -1500000, "kas_bank": 1000000, "pinjaman_diberikan": 50000000.75, "atmr": 123456789, "manajemen_umum_ya": 12,
		"kelembagaan_ya": 6, "manajemen_likuiditas_ya": 3, "shu_kotor": -250000,
	}
	for sheet, cols := range map[string][]string{"Laporan": names(laporanCols), "Keuangan KSP": names(kspCols)} {
		for i, c := range cols {
			if v, ok := vals[c]; ok {
				cell, _ := excelize.CoordinatesToCellName(i+1, 2)
				if err := f.SetCellValue(sheet, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	path := filepath.Join(t.TempDir(), "terisi.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"nama_koperasi": "KSP Template Jaya", "nomor_badan_hukum": "123/BH/XIII.1/2010", "tanggal_badan_hukum": "2010-05-04",
		"bentuk": "primer", "jenis": "simpan_pinjam", "kelompok": "karyawan", "kode_wilayah": "32.76.06.1002",
		"tanggal_rat": "2025-03-15", "anggota_pria": "120", "anggota_wanita": "80", "jumlah_anggota": "200",
		"simpanan_pokok": "1250000.50", "simpanan_wajib": "2000000.00", "dana_cadangan": "300000.00", "hibah": "0.00",
		"modal_sendiri": "3550000.50", "total_aset": "987654321.25", "shu": "-1500000.00",
		"kas_bank": "1000000.00", "pinjaman_diberikan": "50000000.75", "atmr": "123456789.00", "shu_kotor": "-250000.00",
		"manajemen_umum_ya": "12", "kelembagaan_ya": "6", "manajemen_likuiditas_ya": "3", "manajemen_aktiva_ya": "∅",
	}
	s := ingest(t, ws, path, Options{})
	if s.Accepted != 1 || s.RowsRead != 1 || len(s.Unrecognised) != 0 || len(s.Warnings) != 0 {
		t.Fatalf("summary: %+v", s)
	}
	expect(t, laporan(t, ws, "3276060000000101", 2024), want)
	// The same filled template saved again by LibreOffice Calc (shared strings, its own styles and
	// validations, as an office filling it in LibreOffice sends it) loads the same values.
	if soffice, err := exec.LookPath("soffice"); err == nil {
		dir := t.TempDir()
		cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--norestore",
			"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", filepath.Join(dir, "lo"), path)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice: %v\n%s", err, out)
		}
		ws2 := newWS(t)
		s := ingest(t, ws2, filepath.Join(dir, "lo", "terisi.xlsx"), Options{})
		if s.Accepted != 1 || s.RowsRead != 1 || len(s.Unrecognised) != 0 {
			t.Fatalf("saved by LibreOffice: %+v", s)
		}
		expect(t, laporan(t, ws2, "3276060000000101", 2024), want)
	}
	// Every header of the template maps to its own field (the synonym table knows them all).
	for _, fd := range append(laporanCols, kspCols...) {
		if c := match(0, TemplateHeader(fd), nil); c.Field != fd.Name {
			t.Errorf("template header %q maps to %q, want %q", TemplateHeader(fd), c.Field, fd.Name)
		}
	}
}
