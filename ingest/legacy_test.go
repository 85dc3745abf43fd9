package ingest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The real LibreOffice: a workbook saved as .ods and as Excel 97 .xls (made here by LibreOffice itself
// from a CSV) goes through `soffice --headless --convert-to xlsx` and loads the values typed into it.
// CI installs libreoffice-calc-nogui; without soffice on PATH the test is skipped (the stand-in test
// above still covers the refusal and the plumbing).
func TestLegacyRealLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not installed (apt install libreoffice-calc-nogui)")
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "rekap.csv")
	os.WriteFile(csvPath, []byte("NIK;Nama Koperasi;Tahun Buku;Jenis;Anggota Pria;Anggota Wanita;Total Aset (Rp);Tanggal RAT\n"+
		"3276050000000101;KSP Lama Jaya;2024;KSP;12;8;1250000,5;15/03/2025\n"+
		"3276050000000102;Kopwan Arsip;2024;Kopwan;0;30;(not a number);\n"), 0o644)
	// Make the legacy files: CSV import with ';', UTF-8, NIK column as text (format 2), then save.
	for _, to := range []string{"ods", `xls:MS Excel 97`} {
		cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--norestore",
			"--infilter=CSV:59,34,76,1,1/2", "--convert-to", to, "--outdir", dir, csvPath)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("making the %s file: %v\n%s", to, err, out)
		}
	}
	ws := newWS(t)
	ws.Config.Ingest.LibreOffice = soffice
	for _, name := range []string{"rekap.ods", "rekap.xls"} {
		sum, err := IngestFile(context.Background(), ws, filepath.Join(dir, name), Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if sum.File != name || sum.Accepted != 1 || sum.Quarantined != 1 {
			t.Fatalf("%s: accepted %d quarantined %d, problems %v", name, sum.Accepted, sum.Quarantined, sum.Problems)
		}
		got := rowsOf(t, ws, `SELECT nama_koperasi, jenis, jumlah_anggota::VARCHAR, total_aset::VARCHAR, tanggal_rat::VARCHAR
			FROM raw.laporan WHERE submission_id = ?`, sum.SubmissionID)
		want := []string{"KSP Lama Jaya", "simpan_pinjam", "20", "1250000.50", "2025-03-15"}
		if len(got) != 1 || len(got[0]) != len(want) {
			t.Fatalf("%s: raw.laporan %q", name, got)
		}
		for i := range want {
			if got[0][i] != want[i] {
				t.Errorf("%s: column %d = %q, want %q", name, i, got[0][i], want[i])
			}
		}
		q := quarantine(t, ws, sum.SubmissionID)
		if len(q) != 1 {
			t.Errorf("%s: quarantine %q, want the unreadable Total Aset of row 3", name, q)
		}
	}
}
