// Package outpath guards the paths Pantau's commands write to. Every command that writes or replaces
// a file or a folder (publish, publish --public, export, followup export, score --explain --xlsx,
// template) asks here first, so a slip such as `pantau publish -o .` or `-o data` is refused instead
// of deleting the workspace, the warehouse or the archived originals.
//
// A target is refused when, once resolved (absolute, cleaned, symbolic links followed on the part
// that exists, so `data/../data`, `./`, trailing slashes and links to the workspace all count):
//
//   - it is the workspace folder or any folder above it;
//   - it is pantau.toml, the warehouse file (or its .wal), or a folder holding one of them;
//   - it is, holds or lies inside the warehouse's folder (data/), the DuckDB temp folder, inbox/
//     (the next run would ingest it) or archive/ (the originals received);
//   - for a site (Site): it is a file, or a non-empty folder that pantau publish did not create —
//     publish marks its own output with the file SiteMarker (sites published before the marker
//     existed are recognised by their index.html and assets);
//   - for a file (File): it is an existing folder.
//
// Refusals wrap ErrProtected and name the path as given, the resolved path and the reason, in
// Bahasa Indonesia, so the CLI exits 1 with a message a petugas can act on.
//
// Files holding personal data are never left executable: Create and Write open with mode 0644 and
// strip execute bits and group/other write from a file that already existed (excelize's SaveAs,
// which they replace, used 0777).
package outpath

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pantau-koperasi/pantau/internal/config"
)

// ErrProtected is wrapped by every refusal of an output path.
var ErrProtected = errors.New("jalur keluaran ditolak")

// SiteMarker is the file pantau publish writes in every site it builds; a non-empty folder without
// it is not replaced.
const SiteMarker = ".pantau-site"

const markerText = "Folder ini diterbitkan oleh pantau publish dan diganti utuh pada setiap penerbitan.\n" +
	"Jangan simpan berkas lain di sini. Tanpa berkas ini pantau publish menolak mengganti folder ini.\n"

// Workspace names what a command must never overwrite. Empty fields are not guarded.
type Workspace struct {
	Root      string // the folder holding pantau.toml
	Config    string // pantau.toml
	Warehouse string // the DuckDB file
	Data      string // the warehouse's folder (data/)
	Temp      string // DuckDB's spill folder
	Inbox     string
	Archive   string
}

// FromConfig is the workspace of a loaded pantau.toml.
func FromConfig(c *config.Config) Workspace {
	w := Workspace{Root: c.Dir, Config: filepath.Join(c.Dir, config.FileName)}
	opt := func(p string) string {
		if p == "" {
			return ""
		}
		return c.Abs(p)
	}
	if c.Warehouse.Path != "" {
		w.Warehouse = c.Abs(c.Warehouse.Path)
		w.Data = filepath.Dir(w.Warehouse)
	}
	w.Temp = opt(c.Warehouse.TempDirectory)
	w.Inbox = opt(c.Paths.Inbox)
	w.Archive = opt(c.Paths.Archive)
	return w
}

// guard is one protected path: the target may not be it nor hold it, and when inside is set, may
// not lie inside it either.
type guard struct {
	path   string
	what   string
	inside bool
}

func (w Workspace) guards() ([]guard, error) {
	var gs []guard
	add := func(p, what string, inside bool) error {
		if p == "" {
			return nil
		}
		r, err := Resolve(p)
		if err != nil {
			return err
		}
		gs = append(gs, guard{r, what, inside})
		return nil
	}
	var root string
	if w.Root != "" {
		if err := add(w.Root, "folder workspace (tempat pantau.toml, gudang data, inbox/ dan archive/)", false); err != nil {
			return nil, err
		}
		root = gs[0].path
	}
	list := []struct {
		p, what string
		inside  bool
	}{
		{w.Config, "pantau.toml, pengaturan workspace", false},
		{w.Warehouse, "berkas gudang data DuckDB", false},
		{walOf(w.Warehouse), "log tulis (WAL) gudang data DuckDB", false},
		{w.Data, "folder gudang data (data/)", true},
		{w.Temp, "folder sementara DuckDB", true},
		{w.Inbox, "kotak masuk (inbox/): isinya diserap oleh proses berikutnya", true},
		{w.Archive, "arsip berkas asli yang sudah diterima (archive/)", true},
	}
	for _, e := range list {
		if err := add(e.p, e.what, e.inside); err != nil {
			return nil, err
		}
	}
	// A folder configured as the workspace itself (or above it) guards only itself, or nothing
	// inside the workspace could be written.
	for i := range gs {
		if gs[i].inside && root != "" && within(root, gs[i].path) {
			gs[i].inside = false
		}
	}
	return gs, nil
}

func walOf(p string) string {
	if p == "" {
		return ""
	}
	return p + ".wal"
}

// File checks a file a command is about to write or replace and returns its resolved path.
func (w Workspace) File(path string) (string, error) {
	r, err := w.check(path)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(r); err == nil && fi.IsDir() {
		return "", refuse(path, r, "adalah folder, bukan berkas")
	}
	return r, nil
}

// Folder checks a folder a command writes files into without replacing it (a partitioned Parquet
// export) and returns its resolved path.
func (w Workspace) Folder(path string) (string, error) {
	r, err := w.check(path)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(r); err == nil && !fi.IsDir() {
		return "", refuse(path, r, "sudah ada dan bukan folder")
	}
	return r, nil
}

// Site checks a folder that pantau publish is about to replace whole and returns its resolved path:
// it must be new, empty, or a site publish made.
func (w Workspace) Site(path string) (string, error) {
	r, err := w.check(path)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(r)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return r, nil
	case err != nil:
		return "", fmt.Errorf("memeriksa folder keluaran %s: %w", r, err)
	case !fi.IsDir():
		return "", refuse(path, r, "sudah ada dan bukan folder; pantau publish hanya mengganti folder situs yang dibuatnya sendiri")
	}
	if IsSite(r) {
		return r, nil
	}
	ents, err := os.ReadDir(r)
	if err != nil {
		return "", fmt.Errorf("memeriksa folder keluaran %s: %w", r, err)
	}
	if len(ents) > 0 {
		return "", refuse(path, r, fmt.Sprintf("adalah folder berisi %d berkas/folder yang tidak dibuat pantau publish (tidak ada penanda %s); seluruh isinya akan terhapus. Pilih folder baru atau kosong", len(ents), SiteMarker))
	}
	return r, nil
}

// IsSite reports whether dir is a site pantau publish made: it holds SiteMarker, or (a site published
// before the marker existed) index.html beside Pantau's own assets.
func IsSite(dir string) bool {
	if regular(filepath.Join(dir, SiteMarker)) {
		return true
	}
	return regular(filepath.Join(dir, "index.html")) &&
		regular(filepath.Join(dir, "assets", "pantau.js")) &&
		regular(filepath.Join(dir, "assets", "echarts.min.js"))
}

func regular(p string) bool {
	fi, err := os.Lstat(p)
	return err == nil && fi.Mode().IsRegular()
}

// MarkSite writes SiteMarker into dir (a site being built).
func MarkSite(dir string) error {
	return os.WriteFile(filepath.Join(dir, SiteMarker), []byte(markerText), 0o644)
}

// check resolves path and refuses the workspace's protected paths.
func (w Workspace) check(path string) (string, error) {
	if strings.TrimSpace(path) == "" {
		return "", fmt.Errorf("%w: jalur keluaran kosong", ErrProtected)
	}
	r, err := Resolve(path)
	if err != nil {
		return "", fmt.Errorf("memeriksa jalur keluaran %q: %w", path, err)
	}
	gs, err := w.guards()
	if err != nil {
		return "", fmt.Errorf("memeriksa workspace: %w", err)
	}
	for _, g := range gs {
		if r == g.path {
			return "", refuse(path, r, "adalah "+g.what)
		}
	}
	for _, g := range gs {
		if within(g.path, r) {
			return "", refuse(path, r, fmt.Sprintf("memuat %s (%s); menggantinya akan menghapus data", g.what, g.path))
		}
	}
	for _, g := range gs {
		if g.inside && within(r, g.path) {
			return "", refuse(path, r, fmt.Sprintf("berada di dalam %s (%s)", g.what, g.path))
		}
	}
	return r, nil
}

func refuse(given, resolved, why string) error {
	name := fmt.Sprintf("%q", given)
	if given != resolved {
		name += " (= " + resolved + ")"
	}
	return fmt.Errorf("%w: %s %s", ErrProtected, name, why)
}

// within reports whether p is dir or lies inside it; both are clean absolute paths.
func within(p, dir string) bool {
	if p == dir {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(p, dir)
}

// Resolve makes path absolute and clean and follows the symbolic links of the part of it that
// exists, including a link whose target does not exist yet (writing through it creates the target).
func Resolve(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return resolve(abs, 0)
}

func resolve(abs string, depth int) (string, error) {
	if depth > 40 {
		return "", fmt.Errorf("%s: terlalu banyak tautan simbolik", abs)
	}
	// The longest part that exists; the rest is appended unchanged.
	existing, rest := abs, ""
	for {
		if _, err := os.Lstat(existing); err == nil {
			break
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			break
		}
		rest = filepath.Join(filepath.Base(existing), rest)
		existing = parent
	}
	real, err := filepath.EvalSymlinks(existing)
	if err == nil {
		return filepath.Join(real, rest), nil
	}
	fi, lerr := os.Lstat(existing)
	if lerr != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return "", err
	}
	// A dangling link: follow it by hand from its (resolved) folder.
	target, rerr := os.Readlink(existing)
	if rerr != nil {
		return "", rerr
	}
	if !filepath.IsAbs(target) {
		dir, derr := filepath.EvalSymlinks(filepath.Dir(existing))
		if derr != nil {
			return "", derr
		}
		target = filepath.Join(dir, target)
	}
	return resolve(filepath.Join(target, rest), depth+1)
}

// Create opens path for writing (truncating it) with mode 0644 and makes sure an existing file
// ends up without execute bits or group/other write.
func Create(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	if err := fixMode(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Write creates path as Create does and lets write fill it (a workbook, a buffer): the one way a
// command writes a whole file it has built in memory. (A func, not io.WriterTo: excelize's WriteTo
// takes options.)
func Write(path string, write func(w io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func fixMode(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return nil
	}
	if m := fi.Mode().Perm(); m&0o133 != 0 {
		return f.Chmod(m &^ 0o133)
	}
	return nil
}
