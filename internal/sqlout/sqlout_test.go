package sqlout

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

// locked returns a locked handle on a small warehouse file, opened as `pantau sql` opens it.
func locked(t *testing.T) (ro, lw *warehouse.Warehouse) {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data", "pantau.duckdb")
	w, err := warehouse.Open(ctx, warehouse.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.DB().Exec(`CREATE SCHEMA mart; CREATE TABLE mart.uji AS SELECT * FROM (VALUES
		('KSP Maju', -5, -1500000.50::DECIMAL(18,2)), ('=HYPERLINK("http://x","klik")', 3, 0.00::DECIMAL(18,2)),
		('+62 812', 1, 1.00::DECIMAL(18,2)), ('-', 2, 2.00::DECIMAL(18,2)), ('@SUM(A1)', 4, 3.00::DECIMAL(18,2)),
		(e'\tTAB', 5, 4.00::DECIMAL(18,2))) t(nama, n, shu)`); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if ro, err = warehouse.Open(ctx, warehouse.Options{Path: path, ReadOnly: true}); err != nil {
		t.Fatal(err)
	}
	if lw, err = warehouse.OpenUserSQL(ctx, ro.DB()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lw.Close(); ro.Close() })
	return ro, lw
}

func run(t *testing.T, wh *warehouse.Warehouse, q string, f Format) string {
	t.Helper()
	var b bytes.Buffer
	if err := Run(context.Background(), wh, q, f, &b); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return b.String()
}

// CSV from `pantau sql` escapes what a spreadsheet would run, as the exports do; numbers stay numbers.
func TestSQLRunCSVEscapesFormulas(t *testing.T) {
	_, lw := locked(t)
	out := run(t, lw, `SELECT '=HYPERLINK(1)' AS a, -5 AS n, '-5' AS t, -1.5::DOUBLE AS d, -2.50::DECIMAL(5,2) AS m, NULL AS z`, CSV)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"'=HYPERLINK(1)", "-5", "'-5", "-1.5", "-2.50", ""}; strings.Join(recs[1], "|") != strings.Join(want, "|") {
		t.Errorf("row %q, want %q", recs[1], want)
	}
	out = run(t, lw, `SELECT nama, n, shu FROM mart.uji ORDER BY n`, CSV)
	recs, _ = csv.NewReader(strings.NewReader(out)).ReadAll()
	got := map[string]bool{}
	for _, r := range recs[1:] {
		got[r[0]] = true
	}
	for _, w := range []string{"KSP Maju", `'=HYPERLINK("http://x","klik")`, "'+62 812", "'-", "'@SUM(A1)", "'\tTAB"} {
		if !got[w] {
			t.Errorf("no cell %q in %q", w, recs)
		}
	}
	if recs[1][1] != "-5" || recs[1][2] != "-1500000.50" {
		t.Errorf("numbers changed: %q", recs[1])
	}
	// a column name is a cell too
	if out := run(t, lw, `SELECT 1 AS "=1+1"`, CSV); !strings.HasPrefix(out, "'=1+1\n") {
		t.Errorf("header %q not escaped", out)
	}
	// JSON and table are not spreadsheets: the text as it is
	var objs []map[string]any
	if err := json.Unmarshal([]byte(run(t, lw, `SELECT '=HYPERLINK(1)' AS a, -5 AS n`, JSON)), &objs); err != nil || objs[0]["a"] != "=HYPERLINK(1)" || objs[0]["n"] != float64(-5) {
		t.Errorf("json %v %v", objs, err)
	}
	if out := run(t, lw, `SELECT '=HYPERLINK(1)' AS a`, Table); !strings.Contains(out, "\n=HYPERLINK(1)") {
		t.Errorf("table %q", out)
	}
}

// Run refuses a handle that is not locked: a person's SQL never reaches one that can read files.
func TestSQLRunNeedsLockedHandle(t *testing.T) {
	ro, _ := locked(t)
	var b bytes.Buffer
	if err := Run(context.Background(), ro, `SELECT 1`, CSV, &b); err == nil {
		t.Fatal("ran on an unlocked handle")
	}
}

// Joins, CTEs and every format work on the locked handle.
func TestSQLRunEverydayQueries(t *testing.T) {
	_, lw := locked(t)
	if out := run(t, lw, `WITH x AS (SELECT n FROM mart.uji WHERE n > 0) SELECT count(*) AS c FROM x JOIN mart.uji u USING (n)`, CSV); out != "c\n5\n" {
		t.Errorf("cte+join: %q", out)
	}
	if out := run(t, lw, `SELECT count(*) AS c FROM mart.uji`, JSON); !strings.Contains(out, `"c": 6`) {
		t.Errorf("json: %q", out)
	}
	if out := run(t, lw, `SELECT sum(shu) AS s FROM mart.uji`, Table); !strings.Contains(out, "-1499990.50") {
		t.Errorf("table: %q", out)
	}
}
