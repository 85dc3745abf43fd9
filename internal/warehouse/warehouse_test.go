package warehouse

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func open(t *testing.T, path string, ro bool) *Warehouse {
	t.Helper()
	w, err := Open(context.Background(), Options{Path: path, MemoryLimit: "512MB", Threads: 1, TempDirectory: filepath.Join(filepath.Dir(path), "tmp"), ReadOnly: ro})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestInitSQLOnEveryConnection(t *testing.T) {
	w := open(t, filepath.Join(t.TempDir(), "a.duckdb"), false)
	defer w.Close()
	ctx := context.Background()
	// Several pooled connections at once: each must carry the settings.
	conns := make([]*sql.Conn, 3)
	for i := range conns {
		c, err := w.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = c
		var mem, threads string
		if err := c.QueryRowContext(ctx, `SELECT current_setting('memory_limit'), current_setting('threads')::VARCHAR`).Scan(&mem, &threads); err != nil {
			t.Fatal(err)
		}
		// 512MB as DuckDB reports it (it normalises to MiB/GiB units).
		if !strings.Contains(mem, "488") && !strings.Contains(mem, "512") {
			t.Errorf("connection %d memory_limit = %s", i, mem)
		}
		if threads != "1" {
			t.Errorf("connection %d threads = %s", i, threads)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

func TestMigrateIdempotentAndReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.duckdb")
	w := open(t, path, false)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := w.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := w.DB().QueryRow(`SELECT count(*) FROM duckdb_schemas() WHERE schema_name IN ('raw','staging','core','mart','ops')`).Scan(&n); err != nil || n != 5 {
		t.Fatalf("schemas: %d %v", n, err)
	}
	ms, _ := Migrations()
	if err := w.DB().QueryRow(`SELECT count(*) FROM ops.schema_migrations`).Scan(&n); err != nil || n != len(ms) {
		t.Fatalf("applied %d of %d migrations: %v", n, len(ms), err)
	}
	w.Close()
	ro := open(t, path, true)
	defer ro.Close()
	_, err := ro.DB().Exec(`CREATE TABLE ops.x (a INT)`)
	if err == nil {
		t.Fatal("a read-only warehouse accepted a write")
	}
	if err := ro.Write(ctx, func(*sql.Tx) error { return nil }); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Write on read-only: %v", err)
	}
}

func TestWriteIsAllOrNothing(t *testing.T) {
	w := open(t, filepath.Join(t.TempDir(), "a.duckdb"), false)
	defer w.Close()
	ctx := context.Background()
	w.Write(ctx, func(tx *sql.Tx) error { _, err := tx.Exec(`CREATE TABLE t (a INT)`); return err })
	err := w.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO t VALUES (1)`); err != nil {
			return err
		}
		return errors.New("boom")
	})
	if err == nil {
		t.Fatal("want the error back")
	}
	var n int
	w.DB().QueryRow(`SELECT count(*) FROM t`).Scan(&n)
	if n != 0 {
		t.Fatalf("a failed write left %d rows", n)
	}
}

// TestHelperHoldLock is not a test: the lock test runs it in a child process that holds the file.
func TestHelperHoldLock(t *testing.T) {
	path := os.Getenv("PANTAU_HOLD_LOCK")
	if path == "" {
		t.Skip("helper process only")
	}
	w := open(t, path, false)
	defer w.Close()
	os.Stdout.WriteString("holding\n")
	time.Sleep(30 * time.Second)
}

// Another process holding the file gets a message that names the likely cause, in Bahasa Indonesia.
func TestLockHeldByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.duckdb")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldLock$")
	cmd.Env = append(os.Environ(), "PANTAU_HOLD_LOCK="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(out)
	for sc.Scan() && sc.Text() != "holding" {
	}
	_, err = Open(context.Background(), Options{Path: path})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("want ErrLocked, got %v", err)
	}
	if !strings.Contains(err.Error(), "pantau serve") || !strings.Contains(err.Error(), "sedang dipakai proses lain") {
		t.Fatalf("message should name the likely cause: %v", err)
	}
}
