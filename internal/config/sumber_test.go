package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func load(t *testing.T, text string) (*Config, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(dir)
}

// A [[sumber]] block: settings left out take their defaults, one written empty stays empty, the
// nested mapping tables are read.
func TestSumberLoad(t *testing.T) {
	c, err := load(t, `
[[sumber]]
nama = "aplikasi-ksp"
url = "https://app.example/api/v1/laporan"
auth = "bearer"
token_env = "APP_TOKEN"
paginasi = "cursor"
next_path = "meta.next"
items_path = ""
[sumber.peta]
nik = "koperasi.nik"
[sumber.kali]
total_aset = 1000.0
[sumber.nilai.jenis]
"01" = "simpan_pinjam"

[[sumber]]
nama = "feed-kabupaten"
url = "http://10.0.0.5:8080/laporan"
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sumber) != 2 {
		t.Fatalf("%d sources", len(c.Sumber))
	}
	a, b := c.Sumber[0], c.Sumber[1]
	if a.ItemsPath != "" || a.NextPath != "meta.next" || a.UkuranHalaman != 100 || a.MaxPercobaan != 5 || a.PermintaanPerMenit != 60 {
		t.Fatalf("a: %+v", a)
	}
	if a.Peta["nik"] != "koperasi.nik" || a.Kali["total_aset"] != 1000 || a.Nilai["jenis"]["01"] != "simpan_pinjam" {
		t.Fatalf("mapping tables: %+v %+v %+v", a.Peta, a.Kali, a.Nilai)
	}
	if b.Auth != "none" || b.Paginasi != "page" || b.ItemsPath != "data" || b.PageParam != "page" || b.TimeoutDetik != 30 {
		t.Fatalf("defaults of b: %+v", b)
	}
	if s, ok := c.SumberByName("FEED-kabupaten"); !ok || s.URL != b.URL {
		t.Fatal("SumberByName")
	}
}

func TestSumberRefused(t *testing.T) {
	cases := map[string]string{
		"no url":              "nama = \"a\"\n",
		"bad name":            "nama = \"a b\"\nurl = \"https://x.example/\"\n",
		"secret in url":       "nama = \"a\"\nurl = \"https://user:pw@x.example/\"\n",
		"bearer without env":  "nama = \"a\"\nurl = \"https://x.example/\"\nauth = \"bearer\"\n",
		"basic without env":   "nama = \"a\"\nurl = \"https://x.example/\"\nauth = \"basic\"\nuser_env = \"U\"\n",
		"unknown auth":        "nama = \"a\"\nurl = \"https://x.example/\"\nauth = \"oauth\"\n",
		"unknown paginasi":    "nama = \"a\"\nurl = \"https://x.example/\"\npaginasi = \"scroll\"\n",
		"cursor without path": "nama = \"a\"\nurl = \"https://x.example/\"\npaginasi = \"cursor\"\n",
		"unknown setting":     "nama = \"a\"\nurl = \"https://x.example/\"\ntoken = \"rahasia\"\n",
		"zero multiplier":     "nama = \"a\"\nurl = \"https://x.example/\"\n[sumber.kali]\nshu = 0.0\n",
	}
	for name, body := range cases {
		if _, err := load(t, "[[sumber]]\n"+body); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := load(t, "[[sumber]]\nnama = \"a\"\nurl = \"https://x.example/\"\n[[sumber]]\nnama = \"A\"\nurl = \"https://y.example/\"\n"); err == nil || !strings.Contains(err.Error(), "dua kali") {
		t.Errorf("duplicate names: %v", err)
	}
}

// The template carries a commented example that loads to no source, and a configured source
// written back by Template loads to the same settings.
func TestSumberTemplate(t *testing.T) {
	d := Default()
	if !strings.Contains(Template(d), "# [[sumber]]") {
		t.Fatal("template lacks the commented [[sumber]] example")
	}
	s := DefaultSumber()
	s.Nama, s.URL, s.Auth, s.TokenEnv = "app", "https://app.example/api", "api_key", "APP_KEY"
	s.Peta["nik"] = "kop.nik"
	s.Nilai["jenis"] = map[string]string{"KSP": "simpan_pinjam"}
	d.Sumber = []Sumber{s}
	c, err := load(t, Template(d))
	if err != nil {
		t.Fatalf("%v\n%s", err, Template(d))
	}
	if len(c.Sumber) != 1 || c.Sumber[0].TokenEnv != "APP_KEY" || c.Sumber[0].Peta["nik"] != "kop.nik" || c.Sumber[0].Nilai["jenis"]["KSP"] != "simpan_pinjam" {
		t.Fatalf("%+v", c.Sumber)
	}
	if c.API.MaxRowsPerRequest != 1000 {
		t.Fatalf("api defaults %+v", c.API)
	}
}
