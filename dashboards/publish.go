// Package dashboards publishes the static dashboards: HTML pages whose charts are built with
// go-echarts and drawn by the vendored ECharts, fed with pre-aggregated figures from the marts, with
// every asset (ECharts, fonts, logo) copied beside them so they open offline from file://.
//
// The site is built in a temporary folder next to the target and swapped in only when the whole
// build succeeded, so a failed build leaves the last good site in place; build folders a killed
// publish left behind are removed by the next. The target is checked by internal/outpath first: never
// the workspace, data/, inbox/, archive/, or a non-empty folder without the marker (.pantau-site)
// every site carries. See README.md.
package dashboards

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/outpath"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

//go:embed assets
var assetFS embed.FS

// ErrNoECharts: the binary was built without the vendored ECharts or fonts (run `make build`).
var ErrNoECharts = errors.New("ECharts atau font dasbor tidak tertanam di program ini: bangun ulang dengan `make build` (menyalin echarts dan font Inter dari node_modules)")

// Options of a publish.
type Options struct {
	Dir    string // output folder; default the workspace's public/
	Public bool   // the public build: directory and aggregate pages only, no personal data
}

// Result describes a finished publish.
type Result struct {
	Dir        string
	Pages      int   // HTML pages written (the detail page counts once)
	Files      int   // files written
	Bytes      int64 // total size
	Koperasi   int64 // cooperatives in the directory
	DataFiles  int   // per-region data files of the directory
	Duration   time.Duration
	PublicOnly bool
}

// builder carries one publish.
type builder struct {
	src  *src
	site *site
	cfg  *config.Config
	log  func(msg string, args ...any)

	rubrik    map[string]rubrikInfo // mart.rubrik
	penerapan []penerapan           // [kesehatan] penerapan
	urutan    string                // the headline rule's ranks ($urutan_rubrik, rubrik.go)
}

// Publish builds the site and swaps it into place atomically.
func Publish(ctx context.Context, ws *workspace.Workspace, o Options) (string, error) {
	r, err := PublishResult(ctx, ws, o)
	return r.Dir, err
}

// PublishResult is Publish returning what was written.
func PublishResult(ctx context.Context, ws *workspace.Workspace, o Options) (Result, error) {
	start := time.Now()
	cfg := ws.Config
	out := o.Dir
	if out == "" {
		out = cfg.Abs(cfg.Paths.Public)
	}
	// The output (-o, paths.public or publish.publik) is replaced whole: never the workspace, its
	// data, inbox or archive, nor a folder of someone else's files.
	out, err := outpath.FromConfig(cfg).Site(out)
	if err != nil {
		if o.Dir == "" {
			err = fmt.Errorf("paths.public di %s: %w", config.FileName, err)
		}
		return Result{}, err
	}
	res := Result{Dir: out, PublicOnly: o.Public}
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return res, err
	}
	removeStaleBuilds(out, ws.Log.Warn)
	tmp, err := os.MkdirTemp(parent, buildPrefix(out))
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(tmp)
	if err := outpath.MarkSite(tmp); err != nil {
		return res, err
	}

	s, err := newSrc(ctx, ws.WH.DB())
	if err != nil {
		return res, err
	}
	st := &site{Dir: tmp, Public: o.Public, Kantor: cfg.Kantor.Nama, Judul: cfg.Publish.Judul,
		Warna: cfg.Kantor.WarnaUtama, Palet: cfg.Kantor.WarnaGrafik, Catatan: cfg.Publish.Catatan}
	b := &builder{src: s, site: st, cfg: cfg, log: ws.Log.Debug}
	if err := copyAssets(tmp); err != nil {
		return res, err
	}
	if cfg.Kantor.Logo != "" {
		logo, err := copyLogo(cfg.Abs(cfg.Kantor.Logo), tmp)
		if err != nil {
			return res, err
		}
		st.Logo = logo
	}
	if err := b.stamp(); err != nil {
		return res, err
	}
	if !s.has("mart.koperasi", "nik") || !s.has("mart.laporan", "nik", "tahun_buku") || !s.has("mart.keaktifan", "nik") {
		// A workspace before its first transform: every page says so instead of failing.
		for _, n := range append(st.navs(), nav{"koperasi.html", "direktori", "Profil Koperasi"}) {
			p := &Page{File: n.File, Key: n.Key, Judul: n.Label, Kosong: kosongGudang}
			if err := st.writePage(p); err != nil {
				return res, err
			}
			res.Pages++
		}
		return res, finish(tmp, out, &res, start)
	}
	if err := b.loadRubrik(); err != nil {
		return res, err
	}
	pages := []func() (*Page, error){b.ringkasan, b.wilayah, b.kesehatan, b.keaktifan, b.kelengkapan}
	if !o.Public {
		pages = append(pages, b.kualitas, b.tindakLanjut)
	}
	for _, f := range pages {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		p, err := f()
		if err != nil {
			return res, err
		}
		if err := st.writePage(p); err != nil {
			return res, err
		}
		res.Pages++
		b.log("halaman dasbor selesai", "halaman", p.File, "sejak_mulai", time.Since(start).Round(time.Millisecond))
	}
	n, files, err := b.direktori()
	b.log("direktori selesai", "koperasi", n, "sejak_mulai", time.Since(start).Round(time.Millisecond))
	if err != nil {
		return res, fmt.Errorf("direktori: %w", err)
	}
	res.Pages += 2
	res.Koperasi, res.DataFiles = n, files
	return res, finish(tmp, out, &res, start)
}

const kosongGudang = "Belum ada koperasi terdaftar: gudang data belum berisi tabel mart. Unggah laporan lalu jalankan pantau run (atau pantau transform dan pantau score)."

// finish counts what was written and swaps the new site in.
func finish(tmp, out string, res *Result, start time.Time) error {
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	_ = filepath.WalkDir(tmp, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				res.Files++
				res.Bytes += fi.Size()
			}
		}
		return nil
	})
	if err := swap(tmp, out); err != nil {
		return err
	}
	res.Duration = time.Since(start)
	return nil
}

// buildPrefix names the temporary folders a publish to out builds in, beside it: .public-build-123
// (and .public-build-123-old, the previous site while it is swapped out).
func buildPrefix(out string) string { return "." + filepath.Base(out) + "-build-" }

// removeStaleBuilds deletes the build folders of a publish to out that was killed before it could
// clean up (kill -9, power loss). Only real folders named exactly like ours are touched:
// .<name>-build-<digits>, optionally followed by -old.
func removeStaleBuilds(out string, warn func(msg string, args ...any)) {
	parent := filepath.Dir(out)
	ents, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	prefix := buildPrefix(out)
	for _, e := range ents {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || e.Type()&fs.ModeType != fs.ModeDir {
			continue
		}
		rest = strings.TrimSuffix(rest, "-old")
		if rest == "" || strings.Trim(rest, "0123456789") != "" {
			continue
		}
		if err := os.RemoveAll(filepath.Join(parent, e.Name())); err != nil {
			warn("folder build lama tidak bisa dihapus", "folder", filepath.Join(parent, e.Name()), "galat", err)
		}
	}
}

// swap moves the old site aside, the new one in, then drops the old: two renames in one folder, so a
// reader sees either the whole old site or the whole new one.
func swap(tmp, out string) error {
	old := tmp + "-old"
	if _, err := os.Stat(out); err == nil {
		if err := os.Rename(out, old); err != nil {
			return fmt.Errorf("mengganti situs lama: %w", err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		_ = os.Rename(old, out)
		return fmt.Errorf("memasang situs baru: %w", err)
	}
	_ = os.RemoveAll(old)
	return nil
}

// copyAssets copies the embedded assets (ECharts, fonts, pantau.js/css) into dst/assets.
func copyAssets(dst string) error {
	for _, f := range []string{"assets/vendor/echarts.min.js", "assets/vendor/fonts/inter-latin-400-normal.woff2"} {
		if _, err := assetFS.ReadFile(f); err != nil {
			return fmt.Errorf("%w (%s)", ErrNoECharts, f)
		}
	}
	return fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "assets")
		rel = strings.TrimPrefix(rel, "/")
		rel = strings.TrimPrefix(rel, "vendor/")
		if rel == "vendor" || strings.HasSuffix(p, "README.md") {
			return nil
		}
		target := filepath.Join(dst, "assets", filepath.FromSlash(rel))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

var logoTypes = map[string]bool{".png": true, ".svg": true, ".jpg": true, ".jpeg": true, ".webp": true, ".gif": true}

func copyLogo(path, dst string) (string, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if !logoTypes[ext] {
		return "", fmt.Errorf("kantor.logo %s: jenis berkas %q tidak didukung (pakai PNG, SVG, JPG atau WEBP)", path, ext)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("kantor.logo: %w", err)
	}
	name := "assets/logo" + ext
	return name, os.WriteFile(filepath.Join(dst, filepath.FromSlash(name)), b, 0o644)
}

// stamp sets "data per" and the last run named on every page and panel: the last successful run of
// a stage that changes data (inbox, pull, transform, score), in the office's time zone.
func (b *builder) stamp() error {
	loc := b.cfg.Location()
	rs, err := b.src.query("proses_terakhir")
	if err != nil {
		return fmt.Errorf("membaca ops.runs: %w", err)
	}
	defer rs.Close()
	if !rs.Next() {
		if err := rs.Err(); err != nil {
			return fmt.Errorf("membaca ops.runs: %w", err)
		}
		b.site.DataPer = Stempel(time.Now(), loc)
		b.site.Run = "belum ada proses yang tercatat"
		return nil
	}
	var (
		id         int64
		job, stage sql.NullString
		t          time.Time
	)
	if err := rs.Scan(&id, &job, &stage, &t); err != nil {
		return fmt.Errorf("membaca ops.runs: %w", err)
	}
	b.site.DataPer = Stempel(t, loc)
	st := stage.String
	if l, ok := labelTahap[st]; ok {
		st = l
	}
	b.site.Run = fmt.Sprintf("proses terakhir #%d: %s (%s)", id, st, job.String)
	return nil
}

// labelTahap names the pipeline stages (ops.runs.stage) in Bahasa Indonesia for the "data per" stamp.
var labelTahap = map[string]string{"inbox": "kotak masuk", "pull": "tarik data", "transform": "pengolahan", "score": "penilaian", "publish": "terbit"}
