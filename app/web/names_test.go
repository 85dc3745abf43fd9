package web

import (
	"strings"
	"testing"
)

// Uploaded file names and the post-login redirect come from the browser: whatever they hold, the name
// stays one path element and the redirect stays on this site.
func FuzzCleanNameAndNext(f *testing.F) {
	for _, s := range []string{"laporan.xlsx", `C:\Users\sari\Desktop\laporan 2025.csv`, "../../etc/passwd", "//evil.example/x", "/\\evil", "/unggah?x=1", "", ".", "a\x00b\nc.csv"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := cleanName(s)
		if n == "" || n == "." || n == ".." || strings.ContainsAny(n, "/\x00\n") {
			t.Fatalf("cleanName(%q) = %q", s, n)
		}
		nx := safeNext(s)
		if !strings.HasPrefix(nx, "/") || strings.HasPrefix(nx, "//") || strings.HasPrefix(nx, "/\\") {
			t.Fatalf("safeNext(%q) = %q", s, nx)
		}
	})
}

func TestFormatInt(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1.000", 1234567: "1.234.567", -1500000: "-1.500.000"} {
		if got := formatInt(in); got != want {
			t.Errorf("formatInt(%d) = %q, want %q", in, got, want)
		}
	}
}
