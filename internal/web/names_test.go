package web

import (
	"strings"
	"testing"
	"time"
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

func TestThrottleWait(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)
	var fails []time.Time
	for i := 0; i < 4; i++ {
		fails = append(fails, t0.Add(time.Duration(i)*time.Minute))
	}
	if d := throttleWait(fails, t0.Add(5*time.Minute)); d != 0 {
		t.Fatalf("4 failures: wait %s, want none", d)
	}
	fails = append(fails, t0.Add(4*time.Minute)) // the fifth, at 08:04
	if d := throttleWait(fails, t0.Add(5*time.Minute)); d != 10*time.Minute {
		t.Fatalf("5 failures: wait %s, want 10m (until the 08:00 failure is 15 min old)", d)
	}
	if d := throttleWait(fails, t0.Add(15*time.Minute)); d != 0 {
		t.Fatalf("after the window: wait %s", d)
	}
}
