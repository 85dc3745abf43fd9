// Package dashboards publishes the static dashboards: HTML pages drawn with go-echarts, fed with
// pre-aggregated figures from the marts, with ECharts copied beside them so they open offline.
//
// The site is built in a temporary folder next to the target and swapped in only when the whole
// build succeeded, so a failed build leaves the last good site in place.
package dashboards

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

//go:embed assets
var assetFS embed.FS

// ErrNoECharts: the binary was built without the vendored ECharts (run `make build`).
var ErrNoECharts = errors.New("ECharts tidak tertanam di program ini: bangun ulang dengan `make build` (menyalin echarts dari node_modules)")

// Options of a publish.
type Options struct {
	Dir    string // output folder; default the workspace's public/
	Public bool   // the public build: directory and aggregates only
}

// Publish builds the site and swaps it into place atomically.
func Publish(ctx context.Context, ws *workspace.Workspace, o Options) (string, error) {
	out := o.Dir
	if out == "" {
		out = ws.Config.Abs(ws.Config.Paths.Public)
	}
	out, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+"-build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := copyAssets(tmp); err != nil {
		return "", err
	}
	data, err := loadSummary(ctx, ws)
	if err != nil {
		return "", fmt.Errorf("membaca data dasbor: %w", err)
	}
	if err := writeIndex(filepath.Join(tmp, "index.html"), ws, data); err != nil {
		return "", err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	// Swap: move the old site aside, the new one in, then drop the old. Two renames in one folder.
	old := tmp + "-old"
	if _, err := os.Stat(out); err == nil {
		if err := os.Rename(out, old); err != nil {
			return "", fmt.Errorf("mengganti situs lama: %w", err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		_ = os.Rename(old, out)
		return "", fmt.Errorf("memasang situs baru: %w", err)
	}
	_ = os.RemoveAll(old)
	return out, nil
}

func copyAssets(dst string) error {
	b, err := assetFS.ReadFile("assets/vendor/echarts.min.js")
	if err != nil {
		return ErrNoECharts
	}
	if err := os.MkdirAll(filepath.Join(dst, "assets"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dst, "assets", "echarts.min.js"), b, 0o644); err != nil {
		return err
	}
	return fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		return err
	})
}

// stamp formats "data per" times in the office's zone.
func stamp(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return fmt.Sprintf("%s %s", tanggal(t), t.Format("15.04 MST"))
}

var bulan = [...]string{"", "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

func tanggal(t time.Time) string { return fmt.Sprintf("%d %s %d", t.Day(), bulan[t.Month()], t.Year()) }
