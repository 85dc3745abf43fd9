package export

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// With ValidateWhere switched off, a filter is what an attacker would like it to be: it still runs
// only on a locked handle, so DuckDB refuses the file read, the file write and the ATTACH under
// another spelling, for every format, and nothing is written or deleted.
func TestExportWhereRunsOnLockedHandle(t *testing.T) {
	ws := fixture(t)
	validateWhere = func(string, map[string]bool) error { return nil }
	t.Cleanup(func() { validateWhere = ValidateWhere })
	ctx := context.Background()
	dir := t.TempDir()
	secret := filepath.Join(dir, "rahasia.txt")
	if err := os.WriteFile(secret, []byte("kata sandi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pwn := filepath.Join(dir, "pwn.csv")
	twin := filepath.Dir(ws.WH.Path()) + "/./" + filepath.Base(ws.WH.Path())
	for _, where := range []string{
		"1=1) UNION ALL SELECT content, NULL, NULL, NULL, NULL, NULL, NULL FROM read_text('" + secret + "') --",
		"1=1) UNION ALL SELECT column0, NULL, NULL, NULL, NULL, NULL, NULL FROM read_csv('" + secret + "', header = false) --",
		"1=1); COPY (SELECT 1) TO '" + pwn + "'; SELECT * FROM mart.uji WHERE (1=1",
		"1=1); ATTACH '" + twin + "' AS x (READ_WRITE); DELETE FROM x.mart.uji; SELECT * FROM mart.uji WHERE (1=1",
		"1=1); SET enable_external_access = true; SELECT * FROM mart.uji WHERE (1=1",
		"1=1); INSTALL httpfs; SELECT * FROM mart.uji WHERE (1=1",
	} {
		for _, f := range []Format{CSV, XLSX, Parquet} {
			out := filepath.Join(dir, "x."+f.String())
			_, err := Export(ctx, ws.WH.DB(), Options{Table: "mart.uji", Where: where, Format: f, Out: out})
			if err == nil || !(strings.Contains(err.Error(), "disabled") || strings.Contains(err.Error(), "locked")) {
				t.Errorf("%s %q: err = %v, want DuckDB's refusal", f, where, err)
			}
			if b, _ := os.ReadFile(out); strings.Contains(string(b), "kata sandi") {
				t.Errorf("%s %q: the secret file reached the export", f, where)
			}
		}
	}
	if _, err := os.Stat(pwn); err == nil {
		t.Errorf("%s was written", pwn)
	}
	// a fresh handle reads the file as it is now (ws keeps what it has read)
	ro, err := workspace.Open(ctx, filepath.Dir(filepath.Dir(ws.WH.Path())), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var n int
	if err := ro.WH.DB().QueryRow(`SELECT count(*) FROM mart.uji`).Scan(&n); err != nil || n != 4 {
		t.Errorf("mart.uji has %d rows (%v), want the 4 it had", n, err)
	}
}

// A filtered Parquet export: the rows pass from the locked handle to the COPY with their types.
func TestExportParquetWhere(t *testing.T) {
	ws := fixture(t)
	out := filepath.Join(t.TempDir(), "lake")
	n, err := Export(context.Background(), ws.WH.DB(), Options{Table: "mart.uji", Where: "provinsi = 'Jawa Barat' AND shu <> 0",
		Format: Parquet, Out: out, PartitionBy: []string{"tahun_buku"}})
	if err != nil || n != 3 {
		t.Fatalf("%d rows, %v; want 3", n, err)
	}
	var (
		cnt            int
		shu            string
		typShu, typTgl string
	)
	if err := ws.WH.DB().QueryRow(`SELECT count(*), sum(shu)::VARCHAR, any_value(typeof(shu)), any_value(typeof(tanggal_rat))
		FROM read_parquet(?, hive_partitioning = true)`, filepath.Join(out, "*", "*.parquet")).Scan(&cnt, &shu, &typShu, &typTgl); err != nil {
		t.Fatal(err)
	}
	if cnt != 3 || shu != "-249899.51" || typShu != "DECIMAL(18,2)" || typTgl != "DATE" {
		t.Errorf("read back %d rows, shu %s, types %s %s", cnt, shu, typShu, typTgl)
	}
	// the staging table lived on one connection only and is gone
	var left int
	if err := ws.WH.DB().QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE table_name = ?`, stageTable).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d staging tables left (%v)", left, err)
	}
}

// --where is only run beside a read-only warehouse (see warehouse.OpenUserSQL).
func TestExportWhereNeedsReadOnly(t *testing.T) {
	ctx := context.Background()
	ws, _, err := workspace.Init(ctx, t.TempDir(), "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, err := ws.WH.DB().Exec(`CREATE TABLE mart.uji AS SELECT 1 AS tahun_buku`); err != nil {
		t.Fatal(err)
	}
	var db *sql.DB = ws.WH.DB()
	_, err = Export(ctx, db, Options{Table: "mart.uji", Where: "tahun_buku = 1", Format: CSV, Out: filepath.Join(t.TempDir(), "x.csv")})
	if !errors.Is(err, warehouse.ErrReadOnly) {
		t.Fatalf("err = %v, want ErrReadOnly", err)
	}
}
