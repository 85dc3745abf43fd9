// Package warehouse owns the DuckDB file. Every stage reaches DuckDB through a *Warehouse:
//
//   - init SQL runs on every new connection (UTC, memory_limit, threads, temp_directory), so a pooled
//     connection can never run with DuckDB's defaults;
//   - writes are serialised behind one lock (DuckDB allows one writing process, and inside it we keep
//     one writer at a time so stages never trip over each other's transactions);
//   - versioned migrations embedded in the binary create the raw, staging, core, mart and ops schemas;
//   - DuckDB's file-lock error becomes an actionable message in Bahasa Indonesia;
//   - SQL text a person wrote runs only on a locked handle (Options.UserSQL, OpenUserSQL), where DuckDB
//     itself refuses every file, extension and setting.
package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/marcboeker/go-duckdb"
)

// ErrLocked is returned (wrapped) when another process holds the DuckDB file.
var ErrLocked = errors.New("gudang data sedang dipakai proses lain")

// ErrReadOnly is returned (wrapped) when a statement tries to write through a read-only warehouse.
var ErrReadOnly = errors.New("hanya-baca")

// Options configure Open.
type Options struct {
	// Path of the DuckDB file; its folder is created when missing.
	Path string
	// MemoryLimit is DuckDB's memory_limit, e.g. "4GB".
	MemoryLimit string
	// Threads is DuckDB's threads; <= 0 leaves DuckDB's default (the number of CPUs).
	Threads int
	// TempDirectory is where DuckDB spills; created when missing.
	TempDirectory string
	// ReadOnly opens the file in DuckDB's read_only access mode: no statement can write.
	ReadOnly bool
	// UserSQL opens the file for SQL text a person wrote (`pantau sql`, `export --where`): read-only,
	// and locked the way DuckDB locks a database, so DuckDB itself, not a parser of ours, refuses
	// everything but reading the warehouse: enable_external_access=false (no COPY TO/FROM, no
	// read_text/read_csv/read_parquet/glob, no ATTACH of a file, so no second read-write spelling of
	// this one, no INSTALL/LOAD, no EXPORT/IMPORT DATABASE), extension auto-install/auto-load off, no
	// persistent secrets, and lock_configuration=true, so no SET, RESET or PRAGMA x=... can undo any
	// of it. Implies ReadOnly.
	//
	// Why a separate handle and not a setting on the usual one: these are database-wide settings and a
	// locked configuration cannot be unlocked, so a locked database can never again do our own work
	// that needs files (export's Parquet COPY, ingest). Why at open and not in init SQL: every setting
	// goes into DuckDB's config before the database exists; a SET after lock_configuration would fail
	// on every later pooled connection.
	UserSQL bool
	// Logger receives structured logs; nil means slog.Default().
	Logger *slog.Logger
}

// Warehouse is the single owner of the DuckDB file in this process.
type Warehouse struct {
	db       *sql.DB
	conn     *duckdb.Connector
	writeMu  sync.Mutex
	path     string
	readOnly bool
	userSQL  bool
	log      *slog.Logger
}

var memoryLimitRe = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

// Open opens (creating when needed) the DuckDB file. Migrations are not run here; see Migrate.
func Open(ctx context.Context, o Options) (*Warehouse, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Path == "" {
		return nil, errors.New("warehouse: path kosong")
	}
	if o.UserSQL {
		o.ReadOnly = true
	}
	if o.MemoryLimit != "" && !memoryLimitRe.MatchString(o.MemoryLimit) {
		return nil, fmt.Errorf("warehouse.memory_limit %q tidak sah: tulis seperti \"4GB\" atau \"512MB\"", o.MemoryLimit)
	}
	if !o.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(o.Path), 0o755); err != nil {
			return nil, fmt.Errorf("membuat folder gudang data: %w", err)
		}
	} else if _, err := os.Stat(o.Path); err != nil {
		return nil, fmt.Errorf("gudang data %s belum ada: jalankan `pantau init` atau `pantau demo` dulu: %w", o.Path, err)
	}
	if o.TempDirectory != "" {
		if err := os.MkdirAll(o.TempDirectory, 0o755); err != nil && !o.ReadOnly {
			return nil, fmt.Errorf("membuat temp_directory: %w", err)
		}
	}
	// Settings cannot be bound as parameters in SET statements; every value below is validated above
	// (memory limit by pattern, threads as int) or quoted as a SQL string literal (or, for a UserSQL
	// handle, handed to DuckDB as config, below).
	//
	// The prebuilt static DuckDB of go-duckdb has no ICU extension, so TIMESTAMPTZ values are always
	// read and written in UTC (what we want: local time is applied only when rendering). Extension
	// auto-install is switched off: offices often have no internet, and a silent download attempt
	// would only turn into a slow failure.
	settings := [][2]string{{"autoinstall_known_extensions", "false"}, {"autoload_known_extensions", "false"}}
	if o.MemoryLimit != "" {
		settings = append(settings, [2]string{"memory_limit", o.MemoryLimit})
	}
	if o.Threads > 0 {
		settings = append(settings, [2]string{"threads", strconv.Itoa(o.Threads)})
	}
	if o.TempDirectory != "" {
		settings = append(settings, [2]string{"temp_directory", o.TempDirectory})
	}
	dsn := o.Path
	var initSQL []string
	if o.UserSQL {
		// Everything in DuckDB's config at creation (the DSN's query), lock included: DuckDB applies
		// the config before any statement can run and checks the lock only on SET/RESET, so the order
		// of the keys does not matter and no connection ever runs without these settings.
		cfg := url.Values{}
		for _, kv := range settings {
			cfg.Set(kv[0], kv[1])
		}
		cfg.Set("access_mode", "read_only")
		cfg.Set("enable_external_access", "false")
		cfg.Set("allow_persistent_secrets", "false")
		cfg.Set("lock_configuration", "true")
		dsn += "?" + cfg.Encode()
	} else {
		if o.ReadOnly {
			dsn += "?access_mode=read_only"
		}
		for _, kv := range settings {
			v := kv[1]
			if kv[0] == "memory_limit" || kv[0] == "temp_directory" {
				v = QuoteLiteral(v)
			}
			initSQL = append(initSQL, "SET "+kv[0]+" = "+v)
		}
	}
	connector, err := duckdb.NewConnector(dsn, func(ex driver.ExecerContext) error {
		for _, q := range initSQL {
			if _, err := ex.ExecContext(ctx, q, nil); err != nil {
				return fmt.Errorf("init SQL %q: %w", q, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, translate(o.Path, err)
	}
	db := sql.OpenDB(connector)
	// Probe now so a lock held by another process is reported at open, not at first use.
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		connector.Close()
		return nil, translate(o.Path, err)
	}
	return &Warehouse{db: db, conn: connector, path: o.Path, readOnly: o.ReadOnly, userSQL: o.UserSQL, log: o.Logger}, nil
}

// OpenUserSQL opens a second handle (Options.UserSQL: read-only, external access off, configuration
// locked) on the warehouse file db has open, with db's memory_limit, threads and temp_directory. It
// is how code that was handed an ordinary connection runs SQL text a person wrote: `pantau sql`, and
// export, which keeps db for its own Parquet COPY and runs the --where filter here.
//
// db must itself be read-only. DuckDB locks the file with POSIX locks, which belong to the process,
// not the handle: a second handle beside a writer would downgrade the writer's lock to a shared one,
// and closing either handle drops the process's lock on the file. Beside another read-only handle
// that only means: close the locked handle first and the other soon after, as the callers do.
func OpenUserSQL(ctx context.Context, db *sql.DB) (*Warehouse, error) {
	var (
		path                 sql.NullString
		readOnly             bool
		mem, threads, tmpDir string
	)
	err := db.QueryRowContext(ctx, `SELECT path, readonly, current_setting('memory_limit'),
			current_setting('threads')::VARCHAR, current_setting('temp_directory')
		FROM duckdb_databases() WHERE database_name = current_database()`).Scan(&path, &readOnly, &mem, &threads, &tmpDir)
	if err != nil {
		return nil, fmt.Errorf("warehouse: membaca gudang data yang terbuka: %w", err)
	}
	if !path.Valid || path.String == "" {
		return nil, errors.New("warehouse: SQL pengguna hanya dijalankan pada gudang data berupa berkas")
	}
	if !readOnly {
		return nil, fmt.Errorf("%w: SQL pengguna hanya dijalankan di samping gudang data yang dibuka hanya-baca", ErrReadOnly)
	}
	if !memoryLimitRe.MatchString(mem) {
		mem = "" // a form DuckDB may report but Open does not take: DuckDB's default then
	}
	n, _ := strconv.Atoi(threads)
	return Open(ctx, Options{Path: path.String, MemoryLimit: mem, Threads: n, TempDirectory: tmpDir, UserSQL: true})
}

// translate turns DuckDB's low-level errors into ones a staff member can act on.
func translate(path string, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock"):
		pid := ""
		if m := regexp.MustCompile(`PID (\d+)`).FindStringSubmatch(msg); m != nil {
			pid = " (PID " + m[1] + ")"
		}
		return fmt.Errorf("%w%s: %s. Kemungkinan `pantau serve` sedang berjalan; hentikan dulu, "+
			"atau lakukan pekerjaan ini lewat server (unggah di halaman web atau `pantau jobs run`): %w",
			ErrLocked, pid, path, err)
	case strings.Contains(msg, "read-only mode") || strings.Contains(msg, "read only mode"):
		return fmt.Errorf("%w: perintah ini hanya boleh membaca; pernyataan yang mengubah data ditolak: %w", ErrReadOnly, err)
	case strings.Contains(msg, "Permission Error") && strings.Contains(msg, "configuration"),
		strings.Contains(msg, "the configuration has been locked"):
		// The locked handle of a person's SQL (Options.UserSQL): DuckDB names what it refused.
		return fmt.Errorf("%w: SQL di sini hanya membaca tabel gudang data; berkas, ATTACH, INSTALL/LOAD dan SET ditolak: %w", ErrReadOnly, err)
	}
	return err
}

// Path is the DuckDB file.
func (w *Warehouse) Path() string { return w.path }

// ReadOnly reports whether the file was opened read-only.
func (w *Warehouse) ReadOnly() bool { return w.readOnly }

// UserSQL reports whether this is a locked handle for SQL a person wrote (Options.UserSQL).
func (w *Warehouse) UserSQL() bool { return w.userSQL }

// DB is the pool for reads. Use Write or WriteConn for anything that changes data.
func (w *Warehouse) DB() *sql.DB { return w.db }

// Query runs a read query with translated errors.
func (w *Warehouse) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := w.db.QueryContext(ctx, q, args...)
	return rows, translate(w.path, err)
}

// Write runs fn in one transaction while holding the writer lock: all of fn's changes or none.
func (w *Warehouse) Write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if w.readOnly {
		return fmt.Errorf("%w: gudang data dibuka hanya-baca", ErrReadOnly)
	}
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		return translate(w.path, err)
	}
	if err := fn(tx); err != nil {
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			err = errors.Join(err, rbErr)
		}
		return translate(w.path, err)
	}
	return translate(w.path, tx.Commit())
}

// WriteConn hands fn a dedicated connection while holding the writer lock, for work that needs the
// driver connection itself (the Appender, Arrow). fn manages its own BEGIN/COMMIT.
func (w *Warehouse) WriteConn(ctx context.Context, fn func(conn *sql.Conn) error) error {
	if w.readOnly {
		return fmt.Errorf("%w: gudang data dibuka hanya-baca", ErrReadOnly)
	}
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return translate(w.path, err)
	}
	defer conn.Close()
	return translate(w.path, fn(conn))
}

// Close checkpoints (so the WAL is folded into the file) and closes the file.
func (w *Warehouse) Close() error {
	var errs []error
	if !w.readOnly {
		w.writeMu.Lock()
		if _, err := w.db.Exec("CHECKPOINT"); err != nil {
			errs = append(errs, fmt.Errorf("checkpoint: %w", err))
		}
		w.writeMu.Unlock()
	}
	errs = append(errs, w.db.Close(), w.conn.Close())
	return errors.Join(errs...)
}

// QuoteIdent quotes a SQL identifier ("schema"."table" parts are quoted separately by the caller).
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// QuoteTable quotes a possibly schema-qualified table name: mart.koperasi → "mart"."koperasi".
func QuoteTable(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		parts[i] = QuoteIdent(p)
	}
	return strings.Join(parts, ".")
}

// QuoteLiteral quotes a SQL string literal, for the few places DuckDB cannot bind a parameter (SET).
func QuoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// InTx runs fn between BEGIN and COMMIT on conn (ROLLBACK when fn fails). Used with WriteConn when the
// work needs the driver connection itself, e.g. the Appender, and must still be all-or-nothing.
func InTx(ctx context.Context, conn *sql.Conn, fn func() error) error {
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	if err := fn(); err != nil {
		if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
			err = errors.Join(err, rbErr)
		}
		return err
	}
	_, err := conn.ExecContext(ctx, "COMMIT")
	return err
}

// Append appends rows to schema.table through DuckDB's Appender on conn (inside the caller's
// transaction when there is one). Each row must match the table's columns in order and type.
func Append(conn *sql.Conn, schema, table string, rows func(add func(vals ...driver.Value) error) error) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("appender: unexpected driver connection %T", dc)
		}
		app, err := duckdb.NewAppenderFromConn(c, schema, table)
		if err != nil {
			return fmt.Errorf("appender %s.%s: %w", schema, table, err)
		}
		if err := rows(app.AppendRow); err != nil {
			return errors.Join(err, app.Close())
		}
		return app.Close()
	})
}
