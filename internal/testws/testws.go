// Package testws gives tests a fresh workspace quickly: the first call initialises one (migrations,
// 90k region codes) and every call after copies its files, which costs milliseconds instead of a
// second of CPU per test on a shared machine.
package testws

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

var (
	once    sync.Once
	tmplDir string
	tmplErr error
)

// New returns a fresh workspace in a temp dir (kantor.wilayah empty: the whole country), closed at
// the end of the test.
func New(t testing.TB, log *slog.Logger) *workspace.Workspace {
	t.Helper()
	once.Do(func() {
		tmplDir, tmplErr = os.MkdirTemp("", "pantau-testws-*")
		if tmplErr != nil {
			return
		}
		var ws *workspace.Workspace
		ws, _, tmplErr = workspace.Init(context.Background(), tmplDir, "", "Uji", nil)
		if tmplErr == nil {
			tmplErr = ws.Close()
		}
	})
	if tmplErr != nil {
		t.Fatal(tmplErr)
	}
	dst := t.TempDir()
	cfg := config.Default()
	for _, rel := range []string{config.FileName, cfg.Warehouse.Path} {
		if err := copyFile(filepath.Join(tmplDir, rel), filepath.Join(dst, rel)); err != nil {
			t.Fatal(err)
		}
	}
	ws, _, err := workspace.Init(context.Background(), dst, "", "Uji", log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Main runs a package's tests and removes the template workspace after them (call from TestMain).
func Main(m interface{ Run() int }) int {
	code := m.Run()
	if tmplDir != "" {
		os.RemoveAll(tmplDir)
	}
	return code
}
