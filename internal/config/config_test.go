package config

import (
	"fmt"
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

// serve.trusted_proxies: addresses and CIDR ranges, IPv4-mapped IPv6 read as IPv4; anything else
// refused with the entry named. serve.metrics_token: at least 16 characters when set.
func TestServeProxiesAndMetricsToken(t *testing.T) {
	p, err := ParsePrefixes([]string{"127.0.0.1", " 10.0.0.0/8 ", "::1", "::ffff:192.0.2.1", "2001:db8::/32", "192.168.1.7/16"})
	if err != nil {
		t.Fatal(err)
	}
	want := "[127.0.0.1/32 10.0.0.0/8 ::1/128 192.0.2.1/32 2001:db8::/32 192.168.0.0/16]"
	if got := fmt.Sprint(p); got != want {
		t.Fatalf("ParsePrefixes = %s, want %s", got, want)
	}
	for _, bad := range []string{"proxy.local", "10.0.0.0/33", "fe80::1%eth0", ""} {
		if _, err := ParsePrefixes([]string{bad}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) {
			t.Errorf("ParsePrefixes(%q): %v", bad, err)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, FileName), []byte("[serve]\ntrusted_proxies = [\"10.0.0.1\", \"nginx\"]\nmetrics_token = \"pendek\"\n"), 0o644)
	_, err = Load(dir)
	if err == nil || !strings.Contains(err.Error(), `serve.trusted_proxies: "nginx" bukan alamat IP`) || !strings.Contains(err.Error(), "serve.metrics_token terlalu pendek") {
		t.Fatalf("want both settings refused, got %v", err)
	}
	os.WriteFile(filepath.Join(dir, FileName), []byte("[serve]\ntrusted_proxies = [\"10.0.0.1\"]\nmetrics_token = \"cukup-panjang-0123\"\n"), 0o644)
	c, err := Load(dir)
	if err != nil || len(c.Serve.TrustedProxies) != 1 || c.Serve.MetricsToken != "cukup-panjang-0123" {
		t.Fatalf("%v %+v", err, c)
	}
}
