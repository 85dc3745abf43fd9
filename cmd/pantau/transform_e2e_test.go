package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The staff's view of the data-quality gate through the CLI: a revised file that breaks a rule is not
// published and the transform output says why; review accept publishes it; export and lineage work on
// the result.
func TestTransformGateReviewExportLineageCLI(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32.76")
	csvFile := func(name string, macet string) string {
		var b strings.Builder
		b.WriteString("NIK;Nama Koperasi;Tahun Buku;Kode Wilayah;Jenis;Pinjaman yang Diberikan;Pinjaman Macet\n")
		for i := 0; i < 12; i++ {
			fmt.Fprintf(&b, "32760100000000%02d;KSP Uji %d;2023;32.76.01;KSP;Rp 100.000.000;%s\n", i, i, macet)
		}
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mustPantau(t, "-C", dir, "ingest", csvFile("laporan_ksp.csv", "Rp 2.000.000"))
	mustPantau(t, "-C", dir, "transform")
	mustPantau(t, "-C", dir, "ingest", csvFile("laporan_ksp_revisi.csv", "Rp 150.000.000"))
	out := mustPantau(t, "-C", dir, "transform")
	if !strings.Contains(out, "tidak diterbitkan: pinjaman macet lebih besar daripada pinjaman yang diberikan — 12 dari 12 baris") {
		t.Fatalf("transform output does not tell why the load is held:\n%s", out)
	}
	if got := sqlRows(t, dir, "select count(*) from mart.laporan where pinjaman_macet = 2000000"); got[0][0] != "12" {
		t.Fatalf("the last good state is not published: %v", got)
	}
	list := mustPantau(t, "-C", dir, "review", "list")
	m := regexp.MustCompile(`#(\d+)\s+ditahan\s+cek_error`).FindStringSubmatch(list)
	if m == nil {
		t.Fatalf("review list:\n%s", list)
	}
	if _, err := pantau(t, "-C", dir, "review", "accept", "abc"); err == nil || !errors.As(err, new(usageError)) {
		t.Errorf("review accept abc: %v, want a usage error", err)
	}
	mustPantau(t, "-C", dir, "review", "accept", m[1], "--catatan", "dikonfirmasi ke koperasi")
	mustPantau(t, "-C", dir, "transform")
	if got := sqlRows(t, dir, "select count(*) from mart.laporan where pinjaman_macet = 150000000"); got[0][0] != "12" {
		t.Fatalf("accepted load not published: %v", got)
	}
	if l := mustPantau(t, "-C", dir, "review", "list"); !strings.Contains(l, "Tidak ada kiriman") {
		t.Errorf("review list after accept:\n%s", l)
	}

	// export: xlsx of a mart, and a refused filter
	x := filepath.Join(t.TempDir(), "laporan.xlsx")
	if out := mustPantau(t, "-C", dir, "export", "--table", "mart.laporan", "--where", "tahun_buku = 2023", "-o", x); !strings.Contains(out, "12 baris") {
		t.Errorf("export output: %s", out)
	}
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Data")
	f.Close()
	if len(rows) != 13 {
		t.Errorf("xlsx has %d rows, want header + 12", len(rows))
	}
	if _, err := pantau(t, "-C", dir, "export", "--table", "mart.laporan", "--where", "1=1) UNION SELECT * FROM ops.runs --", "-o", x); !errors.As(err, new(usageError)) {
		t.Errorf("injection: %v, want a usage error", err)
	}

	// lineage names the column and the cell as written
	lin := mustPantau(t, "-C", dir, "lineage", "3276010000000003", "2023")
	for _, want := range []string{"laporan_ksp_revisi.csv", "pinjaman_macet", "150000000.00", "Pinjaman Macet", "Rp 150.000.000", "digantikan"} {
		if !strings.Contains(lin, want) {
			t.Errorf("lineage output lacks %q:\n%s", want, lin)
		}
	}
	if _, err := pantau(t, "-C", dir, "lineage", "3276010000000099", "2023"); !errors.As(err, new(usageError)) {
		t.Errorf("lineage of an unknown report: %v, want a usage error", err)
	}
}

// An export whose --format contradicts its file name is refused (a CSV named .xlsx opens as garbage),
// and an XLSX export is written as data, not as an executable file.
func TestExportFormatAndMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32")
	mustPantau(t, "-C", dir, "transform")
	bad := filepath.Join(t.TempDir(), "k.xlsx")
	if _, err := pantau(t, "-C", dir, "export", "--table", "core.wilayah_hierarki", "--format", "csv", "-o", bad); !errors.As(err, new(usageError)) || !strings.Contains(err.Error(), "tidak cocok") {
		t.Fatalf("csv into .xlsx: %v", err)
	}
	if _, err := os.Stat(bad); err == nil {
		t.Error("the contradictory export was written anyway")
	}
	good := filepath.Join(t.TempDir(), "w.xlsx")
	mustPantau(t, "-C", dir, "export", "--table", "core.wilayah_hierarki", "--where", "level = 2", "-o", good)
	fi, err := os.Stat(good)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o111 != 0 {
		t.Errorf("export mode %v is executable", fi.Mode().Perm())
	}
}
