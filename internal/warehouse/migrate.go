package warehouse

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one versioned, embedded SQL file: migrations/NNNN_name.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// AfterMigration is data loaded once, right after migration Version is applied, inside its
// transaction (internal/wilayah loads the region codes this way: wilayah.Migration). Load gets the
// migration's connection inside its open transaction, so it may use the Appender.
type AfterMigration struct {
	Version int
	Load    func(ctx context.Context, conn *sql.Conn) error
}

// Migrations lists the embedded migrations in version order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(name, "_")
		if !ok || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migrasi %s: nama harus NNNN_nama.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migrasi %s: nomor versi: %w", name, err)
		}
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrasi %s dan %s memakai versi yang sama %d", prev, name, v)
		}
		seen[v] = name
		b, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(rest, ".sql"), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies every migration not yet applied, each in its own transaction, in version order;
// after is the data loaded along with some of them (workspace.Open passes the region codes).
func (w *Warehouse) Migrate(ctx context.Context, after ...AfterMigration) error {
	ms, err := Migrations()
	if err != nil {
		return err
	}
	afterMigrate := map[int]func(ctx context.Context, conn *sql.Conn) error{}
	for _, a := range after {
		afterMigrate[a.Version] = a.Load
	}
	err = w.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS ops;
			CREATE TABLE IF NOT EXISTS ops.schema_migrations (
				version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,
				applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("menyiapkan tabel migrasi: %w", err)
	}
	applied := map[int]bool{}
	rows, err := w.db.QueryContext(ctx, `SELECT version FROM ops.schema_migrations`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	for _, m := range ms {
		if applied[m.Version] {
			continue
		}
		err := w.WriteConn(ctx, func(conn *sql.Conn) error {
			return InTx(ctx, conn, func() error {
				if _, err := conn.ExecContext(ctx, m.SQL); err != nil {
					return err
				}
				if hook := afterMigrate[m.Version]; hook != nil {
					if err := hook(ctx, conn); err != nil {
						return err
					}
				}
				_, err := conn.ExecContext(ctx, `INSERT INTO ops.schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name)
				return err
			})
		})
		if err != nil {
			return fmt.Errorf("migrasi %04d_%s: %w", m.Version, m.Name, err)
		}
		w.log.Debug("migration applied", "version", m.Version, "name", m.Name)
	}
	return nil
}
