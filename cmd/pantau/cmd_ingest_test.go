package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What a staff member sees for broken input: the file named once, the reason in Bahasa Indonesia,
// exit codes per SPEC §6, a rejected file read again (not reported as "already received"), --json
// with lists (never null) and rows and columns for every problem, --dry-run writing nothing.
func TestIngestMessages(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32.76")
	files := t.TempDir()
	broken := filepath.Join(files, "rusak.xlsx")
	os.WriteFile(broken, []byte("bukan zip"), 0o644)
	for i := 0; i < 2; i++ {
		out, err := pantau(t, "-C", dir, "ingest", broken)
		if err == nil || exitCode(err) != 1 {
			t.Fatalf("run %d: a rejected file must fail with exit 1: %v", i, err)
		}
		if !strings.Contains(out, "rusak.xlsx: DITOLAK: berkas XLSX rusak atau bukan XLSX; simpan ulang dari Excel/LibreOffice") ||
			strings.Count(out, "rusak.xlsx") != 1 {
			t.Fatalf("run %d: %q", i, out)
		}
	}
	if _, err := pantau(t, "-C", dir, "ingest", filepath.Join(files, "tidak-ada.csv")); err == nil ||
		exitCode(err) != 2 || !strings.Contains(err.Error(), "tidak-ada.csv: berkas atau folder tidak ditemukan") {
		t.Fatalf("missing path: %v", err)
	}

	messy := filepath.Join(files, "rekap.csv")
	os.WriteFile(messy, []byte("NIK;Nama Koperasi;Tahun Buku;Jml Anggota Pria;Simpanan Wajib (Rp);Catatan\n"+
		"3276010100000001;KSP Maju;2024;10;Rp 1.250.000;baik\n"+
		"3276010100000001;KSP Maju;2024;10;Rp 1.250.000;baik\n"+
		"32760101;KUD Tani;2024;-3;dua juta;\n"), 0o644)
	out := mustPantau(t, "-C", dir, "ingest", "--dry-run", "--json", messy)
	var sums []map[string]any
	if err := json.Unmarshal([]byte(out), &sums); err != nil || len(sums) != 1 {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	s := sums[0]
	if s["status"] != "uji" || s["rows_accepted"] != 1.0 || s["rows_quarantined"] != 1.0 || s["rows_duplicate"] != 1.0 {
		t.Fatalf("--json summary: %v", s)
	}
	if u, ok := s["unrecognised_columns"].([]any); !ok || len(u) != 1 || u[0] != "Catatan" {
		t.Errorf("unrecognised_columns: %v", s["unrecognised_columns"])
	}
	probs, _ := s["problems"].([]any)
	var got []string
	for _, p := range probs {
		m := p.(map[string]any)
		got = append(got, m["column"].(string)+"@"+m["label"].(string)+"#"+jsonNum(m["row"]))
	}
	want := "anggota_pria@Jml Anggota Pria#4 simpanan_wajib@Simpanan Wajib (Rp)#4 nik@NIK#4"
	if strings.Join(got, " ") != want {
		t.Errorf("problems: %v, want %s", got, want)
	}
	if w, _ := s["warnings"].([]any); len(w) != 1 || !strings.HasPrefix(w[0].(string), "baris 3 sama persis dengan baris 2") {
		t.Errorf("warnings: %v", s["warnings"])
	}
	if n := sqlRows(t, dir, "select count(*) from ops.submissions where status <> 'ditolak'"); n[0][0] != "0" {
		t.Fatalf("--dry-run wrote %s submissions", n[0][0])
	}
	text := mustPantau(t, "-C", dir, "ingest", messy)
	for _, line := range []string{
		"rekap.csv (laporan): 3 baris dibaca, 1 diterima, 1 karantina, 1 duplikat",
		`baris 4, kolom NIK: NIK "32760101" harus 16 digit angka`,
		`baris 4, kolom Jml Anggota Pria: "-3" tidak boleh negatif`,
		`baris 4, kolom Simpanan Wajib (Rp): "dua juta" bukan angka rupiah`,
		"kolom tidak dikenali (diabaikan): [Catatan]",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("output lacks %q:\n%s", line, text)
		}
	}
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// exitCode is the code main would exit with for err.
func exitCode(err error) int {
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return exitUsage
	}
	return exitFailure
}

// A header the synonym table does not know, mapped by the office in pantau.toml [header_map].
func TestIngestHeaderMapFromConfig(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32.76")
	path := filepath.Join(t.TempDir(), "kantor.csv")
	os.WriteFile(path, []byte("NIK;Nama;Tahun Buku;Aset Akhir Th. (Rp);Peserta Lk\n3276050000000081;Kop A;2024;1.500.000;12\n"), 0o644)
	out := mustPantau(t, "-C", dir, "ingest", "--dry-run", path)
	if !strings.Contains(out, "kolom tidak dikenali (diabaikan): [Aset Akhir Th. (Rp) Peserta Lk]") {
		t.Fatalf("before the override: %s", out)
	}
	toml, err := os.ReadFile(filepath.Join(dir, "pantau.toml"))
	if err != nil {
		t.Fatal(err)
	}
	toml = []byte(strings.Replace(string(toml), "[header_map]\n", "[header_map]\n\"Aset Akhir Th. (Rp)\" = \"total_aset\"\n\"peserta lk\" = \"anggota_pria\"\n", 1))
	if err := os.WriteFile(filepath.Join(dir, "pantau.toml"), toml, 0o644); err != nil {
		t.Fatal(err)
	}
	out = mustPantau(t, "-C", dir, "ingest", path)
	if strings.Contains(out, "tidak dikenali") || !strings.Contains(out, "1 diterima") {
		t.Fatalf("after the override: %s", out)
	}
	got := sqlRows(t, dir, "select total_aset, anggota_pria from raw.laporan")
	if len(got) != 1 || got[0][0] != "1500000.00" || got[0][1] != "12" {
		t.Fatalf("raw.laporan: %v", got)
	}
}
