package export

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// a warehouse with mart.uji holding tricky values, reopened read-only as the CLI does
func fixture(t *testing.T) *workspace.Workspace {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	ws, _, err := workspace.Init(ctx, dir, "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ws.WH.DB().Exec(`CREATE TABLE mart.uji AS SELECT * FROM (VALUES
		('3276010000000001', 'KSP Maju', 2024, 1250000.50::DECIMAL(18,2), 120, DATE '2025-03-15', 'Jawa Barat'),
		('3276010000000002', '=HYPERLINK("http://x","klik")', 2024, -1500000.00::DECIMAL(18,2), 80, NULL, 'Jawa Barat'),
		('3276010000000003', '@SUM(A1)', 2023, 0.00::DECIMAL(18,2), NULL, DATE '2024-01-02', 'Banten'),
		('3276010000000004', '+62 812', 2023, 99.99::DECIMAL(18,2), 5, NULL, 'Jawa Barat')
	) t(nik, nama_koperasi, tahun_buku, shu, jumlah_anggota, tanggal_rat, provinsi)`)
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	ro, err := workspace.Open(ctx, dir, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ro.Close() })
	return ro
}

func TestExportXLSX(t *testing.T) {
	ws := fixture(t)
	out := filepath.Join(t.TempDir(), "uji.xlsx")
	n, err := Export(context.Background(), ws.WH.DB(), Options{Table: "mart.uji", Format: XLSX, Out: out})
	if err != nil || n != 4 {
		t.Fatalf("export: %d rows, %v", n, err)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Data", "A1"); v != "nik" {
		t.Errorf("A1 = %q, want the header nik", v)
	}
	// formula injection: stored as text, no formula
	for _, cell := range []string{"B3", "B4", "B5"} {
		if fm, _ := f.GetCellFormula("Data", cell); fm != "" {
			t.Errorf("%s holds a formula %q", cell, fm)
		}
	}
	if v, _ := f.GetCellValue("Data", "B3"); v != `=HYPERLINK("http://x","klik")` {
		t.Errorf("B3 = %q, want the text as written", v)
	}
	raw, _ := f.GetCellValue("Data", "D2", excelize.Options{RawCellValue: true})
	if raw != "1250000.5" {
		t.Errorf("D2 raw = %q, want the number 1250000.5", raw)
	}
	st, _ := f.GetCellStyle("Data", "D2")
	style, _ := f.GetStyle(st)
	if style.CustomNumFmt == nil || !strings.Contains(*style.CustomNumFmt, `"Rp "#,##0.00`) {
		t.Errorf("D2 number format %v, want rupiah", style.CustomNumFmt)
	}
	st, _ = f.GetCellStyle("Data", "C2")
	style, _ = f.GetStyle(st)
	if style.CustomNumFmt == nil || *style.CustomNumFmt != "0" {
		t.Errorf("tahun_buku format %v, want 0 (no thousands separator on a year)", style.CustomNumFmt)
	}
	if v, _ := f.GetCellValue("Data", "F2"); v != "15/03/2025" {
		t.Errorf("F2 = %q, want 15/03/2025", v)
	}
	panes, err := f.GetPanes("Data")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v %v, want the header frozen", panes, err)
	}
	tables, err := f.GetTables("Data")
	if err != nil || len(tables) != 1 || tables[0].Range != "A1:G5" {
		t.Errorf("tables %+v %v, want one filterable table over A1:G5", tables, err)
	}
}

func TestExportCSVPrefixesFormulas(t *testing.T) {
	ws := fixture(t)
	out := filepath.Join(t.TempDir(), "uji.csv")
	if _, err := Export(context.Background(), ws.WH.DB(), Options{Table: "mart.uji", Where: "tahun_buku = 2024 OR nama_koperasi LIKE '+%'", Format: CSV, Out: out}); err != nil {
		t.Fatal(err)
	}
	fh, _ := os.Open(out)
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 {
		t.Fatalf("%d records, want header + 3", len(recs))
	}
	if recs[1][3] != "1250000.50" || recs[2][3] != "-1500000.00" || recs[1][5] != "2025-03-15" {
		t.Errorf("row values %v %v", recs[1], recs[2])
	}
	if recs[2][1] != `'=HYPERLINK("http://x","klik")` || recs[3][1] != "'+62 812" {
		t.Errorf("formula-like text not prefixed: %q %q", recs[2][1], recs[3][1])
	}
}

func TestExportParquetHive(t *testing.T) {
	ws := fixture(t)
	out := filepath.Join(t.TempDir(), "lake")
	n, err := Export(context.Background(), ws.WH.DB(), Options{Table: "mart.uji", Format: Parquet, Out: out, PartitionBy: []string{"tahun_buku", "provinsi"}})
	if err != nil || n != 4 {
		t.Fatalf("%d rows, %v", n, err)
	}
	for _, dir := range []string{"tahun_buku=2024/provinsi=Jawa%20Barat", "tahun_buku=2023/provinsi=Banten", "tahun_buku=2023/provinsi=Jawa%20Barat"} {
		if m, _ := filepath.Glob(filepath.Join(out, dir, "*.parquet")); len(m) != 1 {
			t.Errorf("no parquet file under %s", dir)
		}
	}
	var cnt int
	var shu float64
	if err := ws.WH.DB().QueryRow(`SELECT count(*), sum(shu)::DOUBLE FROM read_parquet(?, hive_partitioning = true) WHERE provinsi = 'Jawa Barat'`,
		filepath.Join(out, "*", "*", "*.parquet")).Scan(&cnt, &shu); err != nil {
		t.Fatal(err)
	}
	if cnt != 3 || shu != 1250000.50-1500000+99.99 {
		t.Errorf("read back %d rows, shu %v", cnt, shu)
	}
}

func TestExportRefusesOtherTablesAndInjection(t *testing.T) {
	ws := fixture(t)
	ctx := context.Background()
	dir := t.TempDir()
	for _, o := range []Options{
		{Table: "ops.runs"},
		{Table: "raw.rows"},
		{Table: "mart.uji; DROP TABLE mart.uji"},
		{Table: "mart.uji", Where: "1=1) UNION SELECT * FROM read_text('/etc/passwd') --"},
		{Table: "mart.uji", Where: "nik IN (SELECT nik FROM core.laporan)"},
		{Table: "mart.uji", Where: "nik = getenv('HOME')"},
		{Table: "mart.uji", Where: "1=1; DROP TABLE mart.uji"},
		{Table: "mart.uji", Where: "tahun_buku = 2024 /* x */"},
		{Table: "mart.uji", Where: "tidak_ada = 1"},
		{Table: "mart.uji", Where: "(tahun_buku = 2024"},
		{Table: "mart.uji", Where: "nama_koperasi = 'tidak ditutup"},
		{Table: "mart.uji", Where: "core.laporan.nik = '1'"},
		{Table: "mart.uji", Format: CSV, PartitionBy: []string{"tahun_buku"}},
	} {
		o.Out = filepath.Join(dir, "x.csv")
		if o.Format == 0 {
			o.Format = CSV
		}
		_, err := Export(ctx, ws.WH.DB(), o)
		if !errors.Is(err, ErrUsage) {
			t.Errorf("%+v: err = %v, want a usage error", o, err)
		}
	}
	// what a person would write is accepted
	for _, w := range []string{"tahun_buku = 2024", "tahun_buku BETWEEN 2023 AND 2024 AND provinsi IN ('Jawa Barat', 'Banten')",
		"lower(nama_koperasi) LIKE '%maju%' OR jumlah_anggota IS NULL", "year(tanggal_rat) >= 2024", `"shu" < -1.5e3`, "nama_koperasi = 'Ko''p'"} {
		if _, err := Export(ctx, ws.WH.DB(), Options{Table: "mart.uji", Where: w, Format: CSV, Out: filepath.Join(dir, "ok.csv")}); err != nil {
			t.Errorf("%q refused: %v", w, err)
		}
	}
	// the table is intact
	var n int
	ws.WH.DB().QueryRow(`SELECT count(*) FROM mart.uji`).Scan(&n)
	if n != 4 {
		t.Errorf("mart.uji has %d rows", n)
	}
}

func FuzzValidateWhere(f *testing.F) {
	for _, s := range []string{"tahun_buku = 2024", "a' OR '1'='1", "1=1) UNION SELECT 1 --", "\"nik\" = 'x'", "((", "''''", "year(x)"} {
		f.Add(s)
	}
	cols := map[string]bool{"nik": true, "tahun_buku": true}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateWhere(s, cols) != nil {
			return
		}
		// an accepted filter never names a statement keyword outside a literal
		up := strings.ToUpper(stripLiterals(s))
		for _, kw := range []string{"SELECT", "FROM", "UNION", ";", "--", "/*", "READ_"} {
			if strings.Contains(up, kw) {
				t.Fatalf("accepted %q containing %s", s, kw)
			}
		}
	})
}

func stripLiterals(s string) string {
	var b strings.Builder
	in := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case in != 0 && c == in:
			in = 0
		case in != 0:
		case c == '\'' || c == '"':
			in = c
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
