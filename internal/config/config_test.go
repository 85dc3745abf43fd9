package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The committed reference must be what the spec generates (run `make docs` after changing a setting).
func TestDocsMatchSpec(t *testing.T) {
	b, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != Markdown() {
		t.Fatal("docs/configuration.md is out of date: run `make docs`")
	}
}

// The template written by `pantau init` loads back to exactly the defaults, and names every setting.
func TestTemplateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	d := Default()
	d.Kantor.Wilayah = "32.76"
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(Template(d)), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kantor.Wilayah != "32.76" || c.Status.TahunTanpaRAT != 3 || c.Status.BatasRATBulan != 6 || c.Warehouse.MemoryLimit != "4GB" {
		t.Fatalf("round trip lost values: %+v", c)
	}
	for _, key := range []string{"memory_limit", "tahun_tanpa_rat", "batas_rat_bulan", "max_unzip_mb", "zona_waktu"} {
		if !strings.Contains(Template(d), "\n"+key+" = ") {
			t.Errorf("template lacks %s", key)
		}
	}
}

func TestUnknownSettingRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, FileName), []byte("[status]\ntahun_tanpa_ratt = 2\n"), 0o644)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "tahun_tanpa_ratt") {
		t.Fatalf("want an error naming the unknown setting, got %v", err)
	}
}

func TestClamps(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, FileName), []byte("[status]\ntahun_tanpa_rat = 0\n[ingest]\nmax_empty_rows = 1\n"), 0o644)
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status.TahunTanpaRAT != 1 || c.Ingest.MaxEmptyRows != 10 {
		t.Fatalf("clamps not applied: %d %d", c.Status.TahunTanpaRAT, c.Ingest.MaxEmptyRows)
	}
}
