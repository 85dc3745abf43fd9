package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `pantau sql` is read-only in DuckDB's sense, not only ours: what the issue showed writing files,
// reading files, deleting rows through the warehouse under another spelling and reaching for the
// network is refused, and nothing happens; everyday queries still work; CSV cells that a spreadsheet
// would run are escaped as the exports escape them.
func TestSQLIsReadOnlyAndLocked(t *testing.T) {
	t.Setenv("PANTAU_AS_OF", "2026-11-22")
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32")
	mustPantau(t, "-C", dir, "demo", "--koperasi", "20", "--seed", "3")
	count := func(table string) string { return sqlRows(t, dir, "select count(*) from "+table)[0][0] }
	before := count("mart.keaktifan")
	if before == "0" {
		t.Fatal("the demo left mart.keaktifan empty")
	}
	out := filepath.Join(dir, "bocor.csv")
	secret := filepath.Join(t.TempDir(), "rahasia.txt")
	if err := os.WriteFile(secret, []byte("kata sandi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	twin := dir + "/./data/pantau.duckdb"
	for _, q := range []string{
		"COPY (select * from mart.koperasi) TO '" + out + "'",
		"select 1; COPY mart.keaktifan TO '" + out + "'",
		"EXPORT DATABASE '" + filepath.Join(dir, "salinan") + "'",
		"select * from read_text('/etc/passwd')",
		"select * from read_text('" + secret + "')",
		"select * from read_csv('" + secret + "', header = false)",
		"select * from read_csv_auto('/etc/passwd')",
		"select * from glob('" + dir + "/*')",
		"ATTACH '" + twin + "' AS x (READ_WRITE); DELETE FROM x.mart.keaktifan",
		"ATTACH '" + twin + "' AS x; select count(*) from x.mart.keaktifan",
		"INSTALL httpfs",
		"LOAD httpfs",
		"SET enable_external_access = true",
		"SET lock_configuration = false; SET enable_external_access = true",
		"RESET enable_external_access",
		"PRAGMA memory_limit = '100GB'",
		"select 1; delete from mart.keaktifan",
		"delete from mart.keaktifan",
	} {
		got, err := pantau(t, "-C", dir, "sql", q)
		if err == nil {
			t.Errorf("%s: ran, want it refused\n%s", q, got)
			continue
		}
		if strings.Contains(got+err.Error(), "kata sandi") || strings.Contains(got+err.Error(), "root:") {
			t.Errorf("%s: a file's content reached the output", q)
		}
		if strings.Contains(err.Error(), "download") || strings.Contains(err.Error(), "extensions.duckdb.org") {
			t.Errorf("%s: reached for the network: %v", q, err)
		}
	}
	for _, p := range []string{out, filepath.Join(dir, "salinan")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
	if after := count("mart.keaktifan"); after != before {
		t.Errorf("mart.keaktifan had %s rows, now %s", before, after)
	}
	// the refusals name their cause
	if _, err := pantau(t, "-C", dir, "sql", "INSTALL httpfs"); err == nil || !strings.Contains(err.Error(), "disabled") {
		t.Errorf("INSTALL: %v", err)
	}
	if _, err := pantau(t, "-C", dir, "sql", "delete from mart.keaktifan"); err == nil || !strings.Contains(err.Error(), "hanya-baca") {
		t.Errorf("DELETE: %v", err)
	}

	// everyday queries
	if got := count("mart.koperasi"); got != "20" {
		t.Errorf("mart.koperasi: %s rows", got)
	}
	if got := sqlRows(t, dir, `with k as (select nik from mart.koperasi) select count(*) from k join mart.keaktifan a using (nik)`); got[0][0] != before {
		t.Errorf("cte + join: %v, want %s", got, before)
	}
	var objs []map[string]any
	js := mustPantau(t, "-C", dir, "sql", "--format", "json", "select count(*) as n from mart.koperasi")
	if err := json.Unmarshal([]byte(js), &objs); err != nil || len(objs) != 1 || objs[0]["n"] != float64(20) {
		t.Errorf("json: %s %v", js, err)
	}
	if tb := mustPantau(t, "-C", dir, "sql", "--format", "table", "select count(*) as n from mart.koperasi"); !strings.Contains(tb, "20") {
		t.Errorf("table: %s", tb)
	}

	// CSV escapes formulas in text cells, as the exports do; numbers are left alone
	csvOut := mustPantau(t, "-C", dir, "sql", `select '=HYPERLINK(1)' as a, -5 as n, '+62 812' as hp, '@x' as s`)
	recs, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("csv %q %v", csvOut, err)
	}
	if want := []string{"'=HYPERLINK(1)", "-5", "'+62 812", "'@x"}; strings.Join(recs[1], "|") != strings.Join(want, "|") {
		t.Errorf("csv row %q, want %q", recs[1], want)
	}
}

// `export --where` with an injection is refused (the filter check, with the locked handle beneath it,
// see transform/export) and reads nothing.
func TestExportWhereInjectionRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32")
	x := filepath.Join(t.TempDir(), "x.csv")
	for _, w := range []string{
		"1=1) UNION SELECT content, NULL FROM read_text('/etc/passwd') --",
		"1=1); COPY (SELECT 1) TO '" + x + "'; SELECT 1 WHERE (1=1",
	} {
		_, err := pantau(t, "-C", dir, "export", "--table", "core.wilayah_hierarki", "--where", w, "-o", x)
		if !errors.As(err, new(usageError)) {
			t.Errorf("%q: err = %v, want a usage error", w, err)
		}
	}
	if b, err := os.ReadFile(x); err == nil && strings.Contains(string(b), "root:") {
		t.Errorf("the export holds /etc/passwd")
	}
}
