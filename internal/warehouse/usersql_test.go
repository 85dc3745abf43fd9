package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// userSQLFixture is a warehouse file with mart.koperasi (10 rows) and mart.wilayah, reopened read-only
// as the CLI does, and a locked handle beside it as `pantau sql` and `export --where` get one.
func userSQLFixture(t *testing.T) (dir, path string, ro, locked *Warehouse) {
	t.Helper()
	ctx := context.Background()
	dir = t.TempDir()
	path = filepath.Join(dir, "data", "pantau.duckdb")
	w := open(t, path, false)
	if _, err := w.DB().Exec(`CREATE SCHEMA mart;
		CREATE TABLE mart.koperasi AS SELECT range AS id, 'KSP ' || range AS nama, range % 3 AS wilayah FROM range(10);
		CREATE TABLE mart.wilayah AS SELECT range AS wilayah, 'W' || range AS nama FROM range(3)`); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ro = open(t, path, true)
	locked, err := OpenUserSQL(ctx, ro.DB())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { locked.Close(); ro.Close() })
	return dir, path, ro, locked
}

// countKoperasi counts the rows in the file as a fresh handle reads it (an open handle keeps what it
// has read, and would not see rows deleted through an ATTACH under another name).
func countKoperasi(t *testing.T, path string) int {
	t.Helper()
	w := open(t, path, true)
	defer w.Close()
	var n int
	if err := w.DB().QueryRow(`SELECT count(*) FROM mart.koperasi`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Everything the issue names, and what else reaches beyond the warehouse, is refused by DuckDB itself
// on a locked handle; nothing it would have written exists afterwards and no row is gone.
func TestUserSQLRefusesEverythingButReading(t *testing.T) {
	dir, path, _, locked := userSQLFixture(t)
	ctx := context.Background()
	out := filepath.Join(dir, "keluar.csv")
	twin := dir + "/./data/pantau.duckdb" // the warehouse under another spelling
	passwd := "/etc/passwd"
	if _, err := os.Stat(passwd); err != nil {
		passwd = filepath.Join(dir, "rahasia.txt")
		os.WriteFile(passwd, []byte("rahasia\n"), 0o600)
	}
	for _, q := range []string{
		"COPY (SELECT 1) TO '" + out + "'",
		"COPY mart.koperasi TO '" + out + "' (FORMAT parquet)",
		"SELECT 1; COPY mart.koperasi TO '" + out + "'",
		"EXPORT DATABASE '" + filepath.Join(dir, "ekspor") + "'",
		"IMPORT DATABASE '" + dir + "'",
		"COPY mart.koperasi FROM '" + passwd + "'",
		"SELECT * FROM read_text('" + passwd + "')",
		"SELECT * FROM read_blob('" + passwd + "')",
		"SELECT * FROM read_csv('" + passwd + "')",
		"SELECT * FROM read_csv_auto('" + passwd + "')",
		"SELECT * FROM read_json_auto('" + passwd + "')",
		"SELECT * FROM read_parquet('" + passwd + "')",
		"SELECT * FROM sniff_csv('" + passwd + "')",
		"SELECT * FROM '" + passwd + "'",
		"SELECT * FROM glob('/etc/*')",
		"SELECT getenv('HOME')",
		"ATTACH '" + twin + "' AS x2 (READ_WRITE); DELETE FROM x2.mart.koperasi",
		"ATTACH '" + twin + "' AS x1; SELECT count(*) FROM x1.mart.koperasi",
		"ATTACH '" + filepath.Join(dir, "baru.duckdb") + "' AS y",
		"ATTACH ':memory:' AS m; CREATE TABLE m.t AS SELECT * FROM mart.koperasi",
		"INSTALL httpfs",
		"FORCE INSTALL httpfs",
		"LOAD httpfs",
		"LOAD '" + filepath.Join(dir, "x.duckdb_extension") + "'",
		"SET enable_external_access = true",
		"SET GLOBAL enable_external_access = true",
		"SET lock_configuration = false",
		"RESET lock_configuration",
		"RESET enable_external_access",
		"SET autoinstall_known_extensions = true",
		"SET allow_persistent_secrets = true",
		"SET memory_limit = '100GB'",
		"SET threads = 64",
		"SET temp_directory = '" + dir + "'",
		"PRAGMA memory_limit = '100GB'",
		"PRAGMA profiling_output = '" + out + "'",
		"SET profiling_output = '" + out + "'",
		"DELETE FROM mart.koperasi",
		"SELECT 1; DELETE FROM mart.koperasi",
		"SELECT 1; DROP TABLE mart.koperasi",
		"CREATE TABLE mart.baru AS SELECT 1",
		"INSERT INTO mart.koperasi SELECT * FROM mart.koperasi",
	} {
		rows, err := locked.Query(ctx, q)
		if err == nil {
			rows.Close()
			t.Errorf("%s: ran, want it refused", q)
			continue
		}
		if strings.Contains(err.Error(), "download") || strings.Contains(err.Error(), "extensions.duckdb.org") {
			t.Errorf("%s: tried the network: %v", q, err)
		}
	}
	for _, p := range []string{out, filepath.Join(dir, "ekspor"), filepath.Join(dir, "baru.duckdb")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
	if n := countKoperasi(t, path); n != 10 {
		t.Errorf("mart.koperasi has %d rows after the attempts, want 10", n)
	}
	// the refusals are DuckDB's own, by configuration, not a parse error of ours
	for q, want := range map[string]string{
		"SELECT * FROM read_text('" + passwd + "')": "disabled",
		"ATTACH '" + twin + "' AS x3 (READ_WRITE)":  "disabled",
		"INSTALL httpfs":                                                        "disabled",
		"COPY (SELECT 1) TO '" + out + "'":                                      "disabled",
		"SET enable_external_access = true":                                     "locked",
		"SELECT 1; DELETE FROM mart.koperasi":                                   "read-only",
		"SELECT * FROM mart.koperasi; SELECT * FROM read_csv('" + passwd + "')": "disabled",
	} {
		_, err := locked.Query(ctx, q)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want DuckDB's %q", q, err, want)
		}
		// and the person is told in their language what the handle refuses
		if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "hanya") {
			t.Errorf("%s: err = %v, want ErrReadOnly with an Indonesian explanation", q, err)
		}
	}
}

// What an analyst writes still works, on every pooled connection, and the settings hold everywhere.
func TestUserSQLReadsAndKeepsSettingsOnEveryConnection(t *testing.T) {
	_, _, _, locked := userSQLFixture(t)
	ctx := context.Background()
	if !locked.UserSQL() || !locked.ReadOnly() {
		t.Fatalf("UserSQL %v ReadOnly %v, want both", locked.UserSQL(), locked.ReadOnly())
	}
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		c, err := locked.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c
		var ext, lock, autoinst, autoload, mem, threads string
		if err := c.QueryRowContext(ctx, `SELECT current_setting('enable_external_access')::VARCHAR,
			current_setting('lock_configuration')::VARCHAR, current_setting('autoinstall_known_extensions')::VARCHAR,
			current_setting('autoload_known_extensions')::VARCHAR, current_setting('memory_limit'),
			current_setting('threads')::VARCHAR`).Scan(&ext, &lock, &autoinst, &autoload, &mem, &threads); err != nil {
			t.Fatal(err)
		}
		if ext != "false" || lock != "true" || autoinst != "false" || autoload != "false" || threads != "1" ||
			(!strings.Contains(mem, "488") && !strings.Contains(mem, "512")) {
			t.Errorf("connection %d: external access %s, lock %s, autoinstall %s, autoload %s, memory %s, threads %s",
				i, ext, lock, autoinst, autoload, mem, threads)
		}
	}
	for _, c := range conns {
		c.Close()
	}
	for q, want := range map[string]string{
		`SELECT count(*) FROM mart.koperasi`: "10",
		`SELECT count(*) FROM mart.koperasi k JOIN mart.wilayah w USING (wilayah) WHERE w.nama = 'W1'`: "3",
		`WITH t AS (SELECT wilayah, count(*) AS n FROM mart.koperasi GROUP BY 1) SELECT max(n) FROM t`: "4",
		`SELECT 1; SELECT count(*) FROM mart.wilayah`:                                                  "3",
		`SET search_path = 'mart'; SELECT count(*) FROM koperasi`:                                      "10",
		`CREATE TEMP TABLE t AS SELECT * FROM mart.koperasi WHERE id < 2; SELECT count(*) FROM t`:      "2",
	} {
		var got string
		if err := locked.DB().QueryRowContext(ctx, q).Scan(&got); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %s", q, got, err, want)
		}
	}
}

// A locked handle is never opened beside a writer: the POSIX lock on the file is the process's, and
// a second handle would downgrade and then drop the writer's.
func TestOpenUserSQLRefusesBesideAWriter(t *testing.T) {
	w := open(t, filepath.Join(t.TempDir(), "a.duckdb"), false)
	defer w.Close()
	if _, err := OpenUserSQL(context.Background(), w.DB()); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("err = %v, want ErrReadOnly", err)
	}
}
