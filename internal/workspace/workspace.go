// Package workspace opens a Pantau workspace: the folder holding pantau.toml, its config and its
// warehouse. Commands and the server go through here so every entry point opens DuckDB the same way.
package workspace

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/warehouse"
	"github.com/pantau-koperasi/pantau/internal/wilayah"
)

// Workspace is an opened workspace.
type Workspace struct {
	Config *config.Config
	WH     *warehouse.Warehouse
	Log    *slog.Logger
}

// Open loads pantau.toml from dir (or the nearest folder above holding one) and opens the warehouse,
// applying pending migrations unless readOnly.
func Open(ctx context.Context, dir string, readOnly bool, log *slog.Logger) (*Workspace, error) {
	if log == nil {
		log = slog.Default()
	}
	root, err := config.Find(dir)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(root)
	if err != nil {
		return nil, err
	}
	wh, err := warehouse.Open(ctx, warehouse.Options{
		Path:          cfg.Abs(cfg.Warehouse.Path),
		MemoryLimit:   cfg.Warehouse.MemoryLimit,
		Threads:       cfg.Warehouse.Threads,
		TempDirectory: cfg.Abs(cfg.Warehouse.TempDirectory),
		ReadOnly:      readOnly,
		Logger:        log,
	})
	if err != nil {
		return nil, err
	}
	if !readOnly {
		if err := wh.Migrate(ctx, wilayah.Migration); err != nil {
			wh.Close()
			return nil, err
		}
	}
	return &Workspace{Config: cfg, WH: wh, Log: log}, nil
}

// Close closes the warehouse.
func (w *Workspace) Close() error { return w.WH.Close() }

// Init creates a workspace in dir: pantau.toml (commented, every setting), data/, inbox/, archive/,
// public/, and the warehouse with its migrations applied. An existing pantau.toml is kept.
func Init(ctx context.Context, dir, wilayahKode, nama string, log *slog.Logger) (*Workspace, bool, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, false, err
	}
	created := false
	path := filepath.Join(abs, config.FileName)
	if _, err := os.Stat(path); os.IsNotExist(err) {
		c := config.Default()
		c.Kantor.Wilayah = wilayahKode
		if nama != "" {
			c.Kantor.Nama = nama
		}
		if err := os.WriteFile(path, []byte(config.Template(c)), 0o644); err != nil {
			return nil, false, err
		}
		created = true
	}
	cfg, err := config.Load(abs)
	if err != nil {
		return nil, false, err
	}
	for _, d := range []string{filepath.Dir(cfg.Abs(cfg.Warehouse.Path)), cfg.Abs(cfg.Paths.Inbox), cfg.Abs(cfg.Paths.Archive), cfg.Abs(cfg.Paths.Public)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, false, fmt.Errorf("membuat folder %s: %w", d, err)
		}
	}
	ws, err := Open(ctx, abs, false, log)
	return ws, created, err
}
