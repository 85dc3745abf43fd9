package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pantau-koperasi/pantau/internal/outpath"
)

// A KSP report the scoring tests know (scored by ksp-2016, kkpkk-2021, umum-2026; follow-up cases
// belum_lapor and rat_terlambat are raised for it).
const kspCSV = "NIK;Nama Koperasi;Jenis;Kode Wilayah;Tahun Buku;Tanggal RAT;Simpanan Pokok;Simpanan Wajib;Dana Cadangan;Hibah;Modal Luar;Total Aset;Volume Usaha;SHU;" +
	"kas bank;kewajiban lancar;pinjaman diberikan;pinjaman anggota;pinjaman kurang lancar;pinjaman diragukan;pinjaman macet;pinjaman berisiko;" +
	"cadangan risiko;dana diterima;modal tertimbang;atmr;beban operasi anggota;partisipasi bruto;partisipasi netto;pendapatan;beban usaha;" +
	"beban perkoperasian;shu kotor;shu sebelum pajak;shu bagian anggota;biaya karyawan;volume pinjaman;promosi ekonomi anggota;" +
	"manajemen umum ya;kelembagaan ya;manajemen permodalan ya;manajemen aktiva ya;manajemen likuiditas ya\n" +
	"3276010000000001;KSP Contoh Sejahtera;KSP;32.76.01;2023;15/03/2024;50000000;250000000;100000000;0;600000000;1000000000;800000000;40000000;" +
	"36000000;300000000;700000000;490000000;20000000;8000000;10000000;38000000;13000000;1000000000;45000000;600000000;92000000;100000000;" +
	"66000000;150000000;50000000;5000000;100000000;60000000;14000000;42000000;600000000;24000000;9;5;4;7;3\n"

// snapshotFiles reads every file under the given workspace-relative paths (files or folders).
func snapshotFiles(t *testing.T, root string, rels ...string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, rel := range rels {
		err := filepath.WalkDir(filepath.Join(root, rel), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				m[p] = string(b)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func sameFiles(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for p, b := range before {
		a, ok := after[p]
		switch {
		case !ok:
			t.Errorf("%s: %s is gone", what, p)
		case a != b:
			t.Errorf("%s: %s changed", what, p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s: %s appeared", what, p)
		}
	}
}

// Issue 14 item 2: every command that writes or replaces a file or folder refuses, with exit 1 and a
// message naming the path, the workspace and anything above it, data/, inbox/, archive/, the
// warehouse, pantau.toml and folders publish did not make; nothing is touched. What they do write is
// mode 0644, and publish still replaces its own site and sweeps up after a killed build.
func TestOutputPathsGuarded(t *testing.T) {
	t.Setenv("PANTAU_AS_OF", "2026-11-22")
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32.76")
	src := filepath.Join(t.TempDir(), "ksp.csv")
	if err := os.WriteFile(src, []byte(kspCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	mustPantau(t, "-C", dir, "ingest", src)
	mustPantau(t, "-C", dir, "transform")
	mustPantau(t, "-C", dir, "score")
	t.Chdir(dir)
	// What must survive: an archived original, a file waiting in the inbox, someone's notes.
	os.MkdirAll("archive/2026/11", 0o755)
	os.WriteFile("archive/2026/11/1-ksp.csv", []byte(kspCSV), 0o644)
	os.WriteFile("inbox/baru.csv", []byte("NIK;Nama Koperasi\n3276010000000002;Kop Baru\n"), 0o644)
	os.MkdirAll("catatan", 0o755)
	os.WriteFile("catatan/rapat.txt", []byte("notulen rapat, jangan dihapus"), 0o644)
	link := filepath.Join(t.TempDir(), "ke-ws")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	guarded := []string{"pantau.toml", "data", "archive", "inbox", "catatan", "public"}
	before := snapshotFiles(t, dir, guarded...)
	if len(before) < 4 || before[filepath.Join(dir, "data", "pantau.duckdb")] == "" {
		t.Fatalf("snapshot too thin: %d files", len(before))
	}

	nik := "3276010000000001"
	cases := []struct {
		args []string
		path string // as it must appear, quoted, in the message
		why  string
	}{
		{[]string{"publish", "-o", "."}, ".", "adalah folder workspace"},
		{[]string{"publish", "-o", "./"}, "./", "adalah folder workspace"},
		{[]string{"publish", "-o", dir}, dir, "adalah folder workspace"},
		{[]string{"publish", "-o", ".."}, "..", "memuat folder workspace"},
		{[]string{"publish", "-o", "data"}, "data", "adalah folder gudang data"},
		{[]string{"publish", "-o", "data/"}, "data/", "adalah folder gudang data"},
		{[]string{"publish", "-o", "data/../data"}, "data/../data", "adalah folder gudang data"},
		{[]string{"publish", "-o", "data/pantau.duckdb"}, "data/pantau.duckdb", "adalah berkas gudang data DuckDB"},
		{[]string{"publish", "-o", "pantau.toml"}, "pantau.toml", "adalah pantau.toml"},
		{[]string{"publish", "-o", "archive"}, "archive", "adalah arsip berkas asli"},
		{[]string{"publish", "-o", "inbox"}, "inbox", "adalah kotak masuk"},
		{[]string{"publish", "-o", "inbox/situs"}, "inbox/situs", "berada di dalam kotak masuk"},
		{[]string{"publish", "-o", link}, link, "adalah folder workspace"},
		{[]string{"publish", "-o", "catatan"}, "catatan", "tidak dibuat pantau publish"},
		{[]string{"publish", "--public", "-o", "archive"}, "archive", "adalah arsip berkas asli"},
		{[]string{"export", "--table", "mart.laporan", "-o", "pantau.toml"}, "pantau.toml", "adalah pantau.toml"},
		{[]string{"export", "--table", "mart.laporan", "--format", "csv", "-o", "data/pantau.duckdb"}, "data/pantau.duckdb", "adalah berkas gudang data DuckDB"},
		{[]string{"export", "--table", "mart.laporan", "-o", "archive/2026/11/1-ksp.csv"}, "archive/2026/11/1-ksp.csv", "berada di dalam arsip"},
		{[]string{"export", "--table", "mart.laporan", "-o", "inbox/ekspor.xlsx"}, "inbox/ekspor.xlsx", "berada di dalam kotak masuk"},
		{[]string{"export", "--table", "mart.laporan", "--format", "parquet", "--partition", "tahun_buku", "-o", "data"}, "data", "adalah folder gudang data"},
		{[]string{"followup", "export", "-o", "archive"}, "archive", "adalah arsip berkas asli"},
		{[]string{"followup", "export", "-o", "pantau.toml"}, "pantau.toml", "adalah pantau.toml"},
		{[]string{"followup", "export", "-o", "inbox/kasus.xlsx"}, "inbox/kasus.xlsx", "berada di dalam kotak masuk"},
		{[]string{"score", "--explain", nik, "2023", "--xlsx", "data/pantau.duckdb"}, "data/pantau.duckdb", "adalah berkas gudang data DuckDB"},
		{[]string{"score", "--explain", nik, "2023", "--xlsx", "archive/lembar.xlsx"}, "archive/lembar.xlsx", "berada di dalam arsip"},
		{[]string{"template", "-o", "pantau.toml"}, "pantau.toml", "adalah pantau.toml"},
		{[]string{"template", "-o", "inbox/templat.xlsx"}, "inbox/templat.xlsx", "berada di dalam kotak masuk"},
	}
	for _, c := range cases {
		_, err := pantau(t, c.args...)
		if err == nil {
			t.Errorf("pantau %v succeeded, want a refusal", c.args)
			continue
		}
		if code := exitCode(err); code != 1 || !errors.Is(err, outpath.ErrProtected) {
			t.Errorf("pantau %v: exit %d (%v), want exit 1 for a refused path", c.args, code, err)
		}
		if msg := err.Error(); !strings.Contains(msg, `"`+c.path+`"`) || !strings.Contains(msg, c.why) {
			t.Errorf("pantau %v: message %q does not name %q and %q", c.args, msg, c.path, c.why)
		}
	}
	// The template needs no workspace: run from elsewhere, it guards the one its target lies in.
	t.Chdir(t.TempDir())
	if _, err := pantau(t, "template", "-o", filepath.Join(dir, "archive", "t.xlsx")); !errors.Is(err, outpath.ErrProtected) {
		t.Errorf("template into another workspace's archive: %v", err)
	}
	t.Chdir(dir)
	sameFiles(t, "after the refusals", before, snapshotFiles(t, dir, guarded...))

	// The same holes through pantau.toml fail pantau run before any stage (the inbox file stays).
	toml, err := os.ReadFile("pantau.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, set, key string }{
		{`publik = ""`, `publik = "archive"`, "publish.publik"},
		{`public = "public"`, `public = "."`, "paths.public"},
	} {
		if !strings.Contains(string(toml), "\n"+c.from+"\n") {
			t.Fatalf("pantau.toml has no line %s", c.from)
		}
		os.WriteFile("pantau.toml", []byte(strings.Replace(string(toml), "\n"+c.from+"\n", "\n"+c.set+"\n", 1)), 0o644)
		_, err := pantau(t, "run")
		if !errors.Is(err, outpath.ErrProtected) || exitCode(err) != 1 || !strings.Contains(err.Error(), c.key) {
			t.Errorf("run with %s: %v", c.set, err)
		}
		// and publish itself (the nightly job calls the same code)
		if c.key == "paths.public" {
			if _, err := pantau(t, "publish"); !errors.Is(err, outpath.ErrProtected) || !strings.Contains(err.Error(), "paths.public") {
				t.Errorf("publish with %s: %v", c.set, err)
			}
		}
	}
	os.WriteFile("pantau.toml", toml, 0o644)
	kept := []string{"pantau.toml", "archive", "inbox", "catatan"}
	sameFiles(t, "after the refused runs", subset(before, dir, kept...), snapshotFiles(t, dir, kept...))

	// Publish writes where it may: public/ (empty, from init), a new folder, the same folder again.
	mustPantau(t, "publish")
	mustPantau(t, "publish", "-o", "situs")
	for _, f := range []string{"public/.pantau-site", "situs/.pantau-site", "situs/index.html"} {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v, want a file of mode 644", f, err)
		}
	}
	// A build folder left by a kill -9 is removed by the next publish; a look-alike is not.
	os.MkdirAll(".situs-build-123/assets", 0o755)
	os.WriteFile(".situs-build-123/index.html", []byte("setengah jadi"), 0o644)
	os.MkdirAll(".situs-build-xyz", 0o755)
	mustPantau(t, "publish", "-o", "situs")
	if _, err := os.Stat(".situs-build-123"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf(".situs-build-123 left behind: %v", err)
	}
	if _, err := os.Stat(".situs-build-xyz"); err != nil {
		t.Errorf("a folder that only looks like a build was removed: %v", err)
	}
	if _, err := os.Stat("situs/index.html"); err != nil {
		t.Error(err)
	}

	// Files holding personal data are 0644, fresh or replacing a file that was 0755.
	out := t.TempDir()
	for _, f := range []string{"laporan.csv", "kasus.xlsx", "templat.xlsx"} {
		os.WriteFile(filepath.Join(out, f), []byte("lama"), 0o755)
		os.Chmod(filepath.Join(out, f), 0o755)
	}
	mustPantau(t, "export", "--table", "mart.laporan", "-o", filepath.Join(out, "laporan.csv"))
	mustPantau(t, "export", "--table", "mart.laporan", "-o", filepath.Join(out, "laporan.xlsx"))
	mustPantau(t, "followup", "export", "-o", filepath.Join(out, "kasus.xlsx"))
	mustPantau(t, "followup", "export", "-o", filepath.Join(out, "kasus-baru.xlsx"))
	mustPantau(t, "score", "--explain", nik, "2023", "--xlsx", filepath.Join(out, "lembar.xlsx"))
	mustPantau(t, "template", "-o", filepath.Join(out, "templat.xlsx"))
	mustPantau(t, "template", "-o", filepath.Join(out, "templat-baru.xlsx"))
	for _, f := range []string{"laporan.csv", "laporan.xlsx", "kasus.xlsx", "kasus-baru.xlsx", "lembar.xlsx", "templat.xlsx", "templat-baru.xlsx"} {
		fi, err := os.Stat(filepath.Join(out, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o644 || fi.Size() < 100 {
			t.Errorf("%s: mode %o, %d bytes; want mode 644 and the written content", f, fi.Mode().Perm(), fi.Size())
		}
	}
	sameFiles(t, "at the end", subset(before, dir, kept...), snapshotFiles(t, dir, kept...))
}

// subset is the part of a snapshot under the given workspace-relative paths.
func subset(snap map[string]string, root string, rels ...string) map[string]string {
	m := map[string]string{}
	for p, b := range snap {
		for _, rel := range rels {
			r := filepath.Join(root, rel)
			if p == r || strings.HasPrefix(p, r+string(filepath.Separator)) {
				m[p] = b
			}
		}
	}
	return m
}
