package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The CLI of issue #6 end to end: ingest a KSP report, score it, explain its worksheet (text and
// XLSX), and work a follow-up case through followup new/assign/note/set-status/show/list/export.
func TestScoreExplainAndFollowupCLI(t *testing.T) {
	t.Setenv("PANTAU_AS_OF", "2026-11-22")
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32.76")
	// The worked example of scoring/kesehatan (78,80 by hand).
	csv := "NIK;Nama Koperasi;Jenis;Kode Wilayah;Tahun Buku;Tanggal RAT;Simpanan Pokok;Simpanan Wajib;Dana Cadangan;Hibah;Modal Luar;Total Aset;Volume Usaha;SHU;" +
		"kas bank;kewajiban lancar;pinjaman diberikan;pinjaman anggota;pinjaman kurang lancar;pinjaman diragukan;pinjaman macet;pinjaman berisiko;" +
		"cadangan risiko;dana diterima;modal tertimbang;atmr;beban operasi anggota;partisipasi bruto;partisipasi netto;pendapatan;beban usaha;" +
		"beban perkoperasian;shu kotor;shu sebelum pajak;shu bagian anggota;biaya karyawan;volume pinjaman;promosi ekonomi anggota;" +
		"manajemen umum ya;kelembagaan ya;manajemen permodalan ya;manajemen aktiva ya;manajemen likuiditas ya\n" +
		"3276010000000001;KSP Contoh Sejahtera;KSP;32.76.01;2023;15/03/2024;50000000;250000000;100000000;0;600000000;1000000000;800000000;40000000;" +
		"36000000;300000000;700000000;490000000;20000000;8000000;10000000;38000000;13000000;1000000000;45000000;600000000;92000000;100000000;" +
		"66000000;150000000;50000000;5000000;100000000;60000000;14000000;42000000;600000000;24000000;9;5;4;7;3\n"
	p := filepath.Join(t.TempDir(), "ksp.csv")
	if err := os.WriteFile(p, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	mustPantau(t, "-C", dir, "ingest", p)
	mustPantau(t, "-C", dir, "transform")
	out := mustPantau(t, "-C", dir, "score")
	for _, s := range []string{"keaktifan", "kesehatan", "tindak_lanjut"} {
		if !strings.Contains(out, s) {
			t.Errorf("score output lacks stage %s:\n%s", s, out)
		}
	}
	x := filepath.Join(t.TempDir(), "lembar.xlsx")
	out = mustPantau(t, "-C", dir, "score", "--explain", "3276010000000001", "2023", "--rubrik", "ksp-2016", "--xlsx", x)
	for _, s := range []string{"LEMBAR KERJA PENILAIAN KESEHATAN KOPERASI", "Skor (skala 100)   : 78,80", "Kategori           : Cukup Sehat (grade B)", "Lembar kerja disimpan"} {
		if !strings.Contains(out, s) {
			t.Errorf("explain lacks %q:\n%s", s, out)
		}
	}
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	// Without --rubrik every rubric that scored it: ksp-2016, kkpkk-2021, umum-2026.
	x3 := filepath.Join(t.TempDir(), "semua.xlsx")
	out = mustPantau(t, "-C", dir, "score", "--explain", "3276010000000001", "2023", "--xlsx", x3)
	if f3, err := excelize.OpenFile(x3); err != nil {
		t.Fatal(err)
	} else {
		if got := strings.Join(f3.GetSheetList(), ","); got != "kkpkk-2021,ksp-2016,umum-2026" {
			t.Errorf("XLSX sheets %s", got)
		}
		f3.Close()
	}
	if strings.Count(out, "LEMBAR KERJA") != 3 || !strings.Contains(out, "PERHATIAN   : rubrik ini sebagian provisional") {
		t.Errorf("explain of every rubric:\n%s", out)
	}
	// Bad usage is exit 2; an unscored year is a failure with a message.
	for _, args := range [][]string{{"score", "--explain", "3276010000000001"}, {"score", "--explain", "3276010000000001", "dua"}, {"score", "extra"}, {"followup", "show", "abc"}} {
		if _, err := pantau(t, append([]string{"-C", dir}, args...)...); !errors.As(err, new(usageError)) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	if _, err := pantau(t, "-C", dir, "score", "--explain", "3276010000000001", "2019"); err == nil || !strings.Contains(err.Error(), "belum ada hasil penilaian") {
		t.Errorf("unscored year: %v", err)
	}

	// Automatic cases for the KSP: its 2024 and 2025 reports are missing.
	out = mustPantau(t, "-C", dir, "followup", "list")
	if !strings.Contains(out, "belum_lapor") || !strings.Contains(out, "rat_terlambat") {
		t.Fatalf("followup list:\n%s", out)
	}
	out = mustPantau(t, "-C", dir, "followup", "new", "3276010000000001", "--alasan", "lainnya", "--prioritas", "tinggi", "--jatuh-tempo", "2026-12-15", "--catatan", "Laporan masyarakat", "--oleh", "budi")
	if !strings.Contains(out, "dibuka") {
		t.Fatalf("new: %s", out)
	}
	if _, err := pantau(t, "-C", dir, "followup", "new", "3276010000000001", "--alasan", "lainnya", "--oleh", "budi"); err == nil || !strings.Contains(err.Error(), "masih terbuka") {
		t.Fatalf("duplicate: %v", err)
	}
	id := sqlRows(t, dir, "select id from ops.tindak_lanjut where alasan = 'lainnya'")[0][0]
	mustPantau(t, "-C", dir, "followup", "assign", id, "siti", "--oleh", "budi")
	mustPantau(t, "-C", dir, "followup", "note", id, "Kunjungan", "dijadwalkan", "--oleh", "siti")
	mustPantau(t, "-C", dir, "followup", "set-prioritas", id, "rendah", "--oleh", "kabid")
	mustPantau(t, "-C", dir, "followup", "set-jatuh-tempo", id, "2027-01-31", "--oleh", "kabid")
	if _, err := pantau(t, "-C", dir, "followup", "set-jatuh-tempo", id, "31/01/2027"); !errors.As(err, new(usageError)) {
		t.Errorf("bad date: %v", err)
	}
	mustPantau(t, "-C", dir, "followup", "set-status", id, "selesai", "--oleh", "kabid")
	out = strings.Join(strings.Fields(mustPantau(t, "-C", dir, "followup", "show", id)), " ")
	for _, s := range []string{"Status : selesai", "Petugas : siti", "Prioritas : rendah", "Jatuh tempo : 2027-01-31", "kabid jatuh_tempo 2026-12-15 → 2027-01-31", "siti: Kunjungan dijadwalkan", "budi petugas (kosong) → siti", "kabid status baru → selesai"} {
		if !strings.Contains(out, s) {
			t.Errorf("show lacks %q:\n%s", s, out)
		}
	}
	if out := mustPantau(t, "-C", dir, "followup", "list", "--status", "selesai"); !strings.Contains(out, "1 kasus") {
		t.Errorf("list --status selesai:\n%s", out)
	}
	xl := filepath.Join(t.TempDir(), "kasus.xlsx")
	if out := mustPantau(t, "-C", dir, "followup", "export", "-o", xl); !strings.Contains(out, "2 kasus terbuka") {
		t.Errorf("export: %s", out)
	}
}
