package main

import (
	"strings"
	"testing"
)

// Staff see help and usage errors in Bahasa Indonesia, and bad usage still exits 2.
func TestHelpAndUsageErrorsInIndonesian(t *testing.T) {
	out := mustPantau(t, "lineage", "--help")
	for _, want := range []string{"Pemakaian:", "pantau lineage NIK TAHUN", "Opsi:", "bantuan untuk lineage", "Opsi umum:"} {
		if !strings.Contains(out, want) {
			t.Errorf("lineage --help lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Usage:") || strings.Contains(out, "Global Flags") {
		t.Errorf("English left in the help:\n%s", out)
	}
	root := mustPantau(t, "--help")
	if !strings.Contains(root, "Perintah:") || !strings.Contains(root, `Pakai "pantau [perintah] --help"`) {
		t.Errorf("root help:\n%s", root)
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"lineage"}, "perintah ini menerima 2 argumen, diberikan 0"},
		{[]string{"ingest"}, "perintah ini memerlukan paling sedikit 1 argumen, diberikan 0"},
		{[]string{"sql", "--frobnicate"}, "opsi tidak dikenal: --frobnicate"},
		{[]string{"bukan-perintah"}, `perintah "bukan-perintah" tidak dikenal untuk "pantau"`},
	}
	for _, c := range cases {
		_, err := pantau(t, c.args...)
		if err == nil {
			t.Fatalf("pantau %v: no error", c.args)
		}
		if !isCobraUsage(err) {
			t.Errorf("pantau %v: %v would not exit 2", c.args, err)
		}
		if got := translateCobraError(err.Error()); !strings.HasPrefix(got, c.want) {
			t.Errorf("pantau %v: %q, want it to start with %q", c.args, got, c.want)
		}
	}
}
