package outpath_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/outpath"
)

// fakeWorkspace lays out a workspace's files (no DuckDB needed: the guard looks at paths only) and
// changes into it, so relative targets mean what they mean at a shell prompt there.
func fakeWorkspace(t *testing.T) (string, outpath.Workspace) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "ws")
	for _, d := range []string{"data/tmp", "inbox", "archive/2025/01", "public", "rubrik"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"pantau.toml", "data/pantau.duckdb", "archive/2025/01/7-laporan.xlsx", "inbox/kop.csv", "rubrik/x.toml"} {
		if err := os.WriteFile(filepath.Join(root, f), []byte("isi "+f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := config.Default()
	c.Dir = root
	t.Chdir(root)
	return root, outpath.FromConfig(&c)
}

func TestProtectedTargets(t *testing.T) {
	root, ws := fakeWorkspace(t)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Symlink(root, filepath.Join(root, "public", "ke-ws")))
	must(os.Symlink(filepath.Join(root, "data", "pantau.duckdb"), filepath.Join(root, "gudang.duckdb")))
	must(os.Symlink(filepath.Join(root, "inbox", "belum-ada.xlsx"), filepath.Join(root, "putus.xlsx")))
	must(os.Symlink("../data", filepath.Join(root, "public", "relatif")))
	cases := []struct{ path, why string }{
		{".", "adalah folder workspace"},
		{"./", "adalah folder workspace"},
		{root + "/", "adalah folder workspace"},
		{"..", "memuat folder workspace"},
		{"/", "memuat folder workspace"},
		{"data", "adalah folder gudang data"},
		{"data/", "adalah folder gudang data"},
		{"data/../data", "adalah folder gudang data"},
		{"./data/./", "adalah folder gudang data"},
		{"data/pantau.duckdb", "adalah berkas gudang data DuckDB"},
		{"data/pantau.duckdb.wal", "adalah log tulis (WAL)"},
		{"data/tmp", "adalah folder sementara DuckDB"},
		{"data/situs", "berada di dalam folder gudang data"},
		{"pantau.toml", "adalah pantau.toml"},
		{"inbox", "adalah kotak masuk"},
		{"inbox/ekspor.xlsx", "berada di dalam kotak masuk"},
		{"archive", "adalah arsip berkas asli"},
		{"archive/2025", "berada di dalam arsip"},
		{"archive/2025/01/7-laporan.xlsx", "berada di dalam arsip"},
		{"public/ke-ws", "adalah folder workspace"},
		{"public/ke-ws/data", "adalah folder gudang data"},
		{"public/ke-ws/", "adalah folder workspace"},
		{"public/relatif", "adalah folder gudang data"},
		{"gudang.duckdb", "adalah berkas gudang data DuckDB"},
		{"putus.xlsx", "berada di dalam kotak masuk"},
	}
	for _, c := range cases {
		for kind, check := range map[string]func(string) (string, error){"File": ws.File, "Folder": ws.Folder, "Site": ws.Site} {
			_, err := check(c.path)
			if !errors.Is(err, outpath.ErrProtected) {
				t.Errorf("%s(%q): %v, want a refusal", kind, c.path, err)
				continue
			}
			msg := err.Error()
			if !strings.Contains(msg, `"`+c.path+`"`) || !strings.Contains(msg, c.why) || !strings.HasPrefix(msg, "jalur keluaran ditolak: ") {
				t.Errorf("%s(%q): message %q does not name the path and %q", kind, c.path, msg, c.why)
			}
		}
	}
	// Nothing was touched.
	for f, want := range map[string]string{"pantau.toml": "isi pantau.toml", "data/pantau.duckdb": "isi data/pantau.duckdb",
		"archive/2025/01/7-laporan.xlsx": "isi archive/2025/01/7-laporan.xlsx", "inbox/kop.csv": "isi inbox/kop.csv"} {
		if b, err := os.ReadFile(filepath.Join(root, f)); err != nil || string(b) != want {
			t.Errorf("%s: %q %v", f, b, err)
		}
	}
}

func TestAllowedTargets(t *testing.T) {
	root, ws := fakeWorkspace(t)
	for _, c := range []struct{ path, want string }{
		{"laporan.xlsx", filepath.Join(root, "laporan.xlsx")},
		{"./keluaran/baru/laporan.csv", filepath.Join(root, "keluaran/baru/laporan.csv")},
		{"public/../ekspor.xlsx", filepath.Join(root, "ekspor.xlsx")},
		{"pantau.toml.bak", filepath.Join(root, "pantau.toml.bak")},
		{"data-lama.csv", filepath.Join(root, "data-lama.csv")},
	} {
		got, err := ws.File(c.path)
		if err != nil || got != c.want {
			t.Errorf("File(%q) = %q, %v; want %q", c.path, got, err, c.want)
		}
	}
	// public/ (empty, as pantau init makes it) and a new folder are sites publish may write.
	for _, p := range []string{"public", "situs-baru", filepath.Join(t.TempDir(), "luar")} {
		if _, err := ws.Site(p); err != nil {
			t.Errorf("Site(%q): %v", p, err)
		}
	}
	if _, err := ws.Folder("lake/laporan"); err != nil {
		t.Errorf("Folder: %v", err)
	}
}

func TestSiteNeedsMarker(t *testing.T) {
	_, ws := fakeWorkspace(t)
	// A folder of someone else's files is not replaced.
	if _, err := ws.Site("rubrik"); !errors.Is(err, outpath.ErrProtected) ||
		!strings.Contains(err.Error(), `"rubrik"`) || !strings.Contains(err.Error(), "tidak dibuat pantau publish") {
		t.Fatalf("Site(rubrik): %v", err)
	}
	// A file is not a site.
	if _, err := ws.Site("rubrik/x.toml"); !errors.Is(err, outpath.ErrProtected) || !strings.Contains(err.Error(), "bukan folder") {
		t.Fatalf("Site(file): %v", err)
	}
	if _, err := ws.File("rubrik"); !errors.Is(err, outpath.ErrProtected) || !strings.Contains(err.Error(), "adalah folder, bukan berkas") {
		t.Fatalf("File(folder): %v", err)
	}
	// Marked by publish: replaceable.
	os.MkdirAll("situs", 0o755)
	os.WriteFile("situs/index.html", []byte("x"), 0o644)
	if _, err := ws.Site("situs"); !errors.Is(err, outpath.ErrProtected) {
		t.Fatalf("an unmarked folder with index.html only: %v", err)
	}
	if err := outpath.MarkSite("situs"); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Site("situs"); err != nil {
		t.Fatalf("marked site: %v", err)
	}
	// A site published before the marker existed: index.html beside Pantau's assets.
	os.MkdirAll("lama/assets", 0o755)
	for _, f := range []string{"lama/index.html", "lama/assets/pantau.js", "lama/assets/echarts.min.js"} {
		os.WriteFile(f, []byte("x"), 0o644)
	}
	if _, err := ws.Site("lama"); err != nil {
		t.Fatalf("legacy site: %v", err)
	}
	// A marker that is a link or a folder does not count.
	os.MkdirAll("palsu/"+outpath.SiteMarker, 0o755)
	if _, err := ws.Site("palsu"); !errors.Is(err, outpath.ErrProtected) {
		t.Fatalf("folder named like the marker: %v", err)
	}
}

// An inbox configured as the workspace itself protects the workspace, not everything inside it.
func TestFolderAtRootGuardsOnlyItself(t *testing.T) {
	root := t.TempDir()
	c := config.Default()
	c.Dir = root
	c.Paths.Inbox = "."
	ws := outpath.FromConfig(&c)
	if _, err := ws.File(filepath.Join(root, "ekspor.csv")); err != nil {
		t.Fatalf("a file in the workspace: %v", err)
	}
	if _, err := ws.Site(root); !errors.Is(err, outpath.ErrProtected) {
		t.Fatalf("the workspace: %v", err)
	}
}

func TestModes(t *testing.T) {
	dir := t.TempDir()
	fresh := filepath.Join(dir, "baru.xlsx")
	f, err := outpath.Create(fresh)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	old := filepath.Join(dir, "lama.xlsx")
	os.WriteFile(old, []byte("x"), 0o755)
	os.Chmod(old, 0o755)
	if f, err = outpath.Create(old); err != nil {
		t.Fatal(err)
	}
	f.Close()
	private := filepath.Join(dir, "pribadi.csv")
	os.WriteFile(private, []byte("x"), 0o600)
	world := filepath.Join(dir, "semua.csv")
	os.WriteFile(world, []byte("x"), 0o777)
	os.Chmod(world, 0o777)
	for _, p := range []string{private, world} {
		if f, err = outpath.Create(p); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	for p, want := range map[string]os.FileMode{fresh: 0o644, old: 0o644, private: 0o600, world: 0o644} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %o, want %o", filepath.Base(p), fi.Mode().Perm(), want)
		}
	}
}

// FuzzGuard: whatever a person types after -o, a path the guard lets through is never the workspace
// or above it, nor data/, inbox/, archive/ or anything in them, nor pantau.toml or the warehouse —
// judged here by comparing cleaned absolute paths, not by the guard's own code.
func FuzzGuard(f *testing.F) {
	for _, s := range []string{".", "..", "data", "data/../data", "./inbox/", "archive/2025", "pantau.toml",
		"data/pantau.duckdb", "public", "keluar", "keluar/x.csv", "/", "//", "data/./tmp", "a/../../ws/data", "inbox\x00"} {
		f.Add(s)
	}
	root := filepath.Join(f.TempDir(), "ws")
	for _, d := range []string{"data/tmp", "inbox", "archive/2025/01", "public"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			f.Fatal(err)
		}
	}
	for _, p := range []string{"pantau.toml", "data/pantau.duckdb"} {
		if err := os.WriteFile(filepath.Join(root, p), nil, 0o644); err != nil {
			f.Fatal(err)
		}
	}
	c := config.Default()
	c.Dir = root
	ws := outpath.FromConfig(&c)
	protected := []string{filepath.Join(root, "data"), filepath.Join(root, "inbox"), filepath.Join(root, "archive")}
	f.Fuzz(func(t *testing.T, typed string) {
		target := typed
		if !filepath.IsAbs(target) {
			target = filepath.Join(root, "public", target) // as typed at a prompt in public/
		}
		within := func(rel string) bool { return rel != ".." && !strings.HasPrefix(rel, "../") }
		for name, check := range map[string]func(string) (string, error){"File": ws.File, "Folder": ws.Folder, "Site": ws.Site} {
			got, err := check(target)
			if err != nil {
				continue
			}
			abs := filepath.Clean(got)
			if rel, err := filepath.Rel(abs, root); err == nil && within(rel) {
				t.Fatalf("%s(%q) = %q: the workspace or a folder above it", name, typed, got)
			}
			for _, p := range protected {
				if rel, err := filepath.Rel(p, abs); err == nil && within(rel) {
					t.Fatalf("%s(%q) = %q: inside %s", name, typed, got, p)
				}
			}
			if abs == filepath.Join(root, "pantau.toml") || abs == filepath.Join(root, "data", "pantau.duckdb") {
				t.Fatalf("%s(%q) = %q", name, typed, got)
			}
		}
	})
}
