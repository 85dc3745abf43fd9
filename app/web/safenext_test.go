package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Expected by hand: what the login form's lanjut (already percent-decoded once, as FormValue gives
// it) turns into.
func TestSafeNext(t *testing.T) {
	cases := map[string]string{
		"":                           "/",
		"/":                          "/",
		"/tugas":                     "/tugas",
		"/dasbor/":                   "/dasbor/",
		"/dasbor/koperasi.html":      "/dasbor/koperasi.html",
		"/tindak-lanjut?status=baru": "/tindak-lanjut?status=baru",
		"/dasbor/../tugas":           "/tugas",
		"/a//b/./c/":                 "/a/b/c/",
		"/ok#frag":                   "/ok",
		"/dasbor/a%20b.html":         "/dasbor/a%20b.html",
		"/%2F%2Fevil.example":        "/evil.example", // an encoded slash is a slash; cleaned, it stays a path here
		"/\t/evil.example":           "/",             // the issue's /%09/evil.example
		"/./\\evil.example":          "/",             // the issue's /./%5Cevil.example
		"/\\evil.example":            "/",
		"/%5Cevil.example":           "/",
		"/%5C%5Cevil.example":        "/",
		"/%09/evil.example":          "/",
		"/\n/evil.example":           "/",
		"/ok?x=%0a":                  "/",
		"//evil.example":             "/",
		"///evil.example":            "/evil.example", // Go reads this as a path (a browser would not); cleaned, it is one
		"https://evil.example/":      "/",
		"https:evil.example":         "/",
		"javascript:alert(1)":        "/",
		"evil.example":               "/",
		" /ok":                       "/",
		"/ok\x7f":                    "/",
		"/@evil.example":             "/@evil.example",
	}
	for in, want := range cases {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// browserHost is where a browser on https://pantau.local/ goes when told Location: loc, following
// the WHATWG URL parser where it differs from Go's: leading and trailing C0 controls and spaces are
// dropped, tabs and newlines anywhere, and before the query a backslash is a slash.
func browserHost(loc string) (string, bool) {
	s := strings.TrimFunc(loc, func(r rune) bool { return r <= 0x20 })
	s = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(s)
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = strings.ReplaceAll(s[:i], `\`, "/") + s[i:]
	} else {
		s = strings.ReplaceAll(s, `\`, "/")
	}
	if strings.HasPrefix(s, "//") {
		return "", false // scheme-relative: another host
	}
	if i := strings.IndexAny(s, ":/?#"); i > 0 && s[i] == ':' {
		return "", false // a scheme of its own
	}
	base, _ := url.Parse("https://pantau.local/masuk")
	u, err := url.Parse(s)
	if err != nil {
		// Go refuses what a browser takes (a stray %); a path-absolute reference keeps the host.
		return "pantau.local", strings.HasPrefix(s, "/")
	}
	r := base.ResolveReference(u)
	return r.Host, r.Scheme == "https"
}

// The result of safeNext, sent as net/http sends a redirect, keeps the browser on this site.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/tugas", "/tindak-lanjut?status=baru", "/\t/evil.example", "/./\\evil.example", "//evil.example",
		"/%5Cevil", "/%2F%2Fevil", "https://evil.example", "/a/../../..//evil", "/ok?x=\\y", "\\\\evil", "/.//evil", "/..%2F/evil", "/%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := safeNext(s)
		if !strings.HasPrefix(n, "/") || strings.HasPrefix(n, "//") || unsafeChars(n) {
			t.Fatalf("safeNext(%q) = %q: not a plain same-site path", s, n)
		}
		w := httptest.NewRecorder()
		http.Redirect(w, httptest.NewRequest("POST", "https://pantau.local/masuk", nil), n, http.StatusSeeOther)
		loc := w.Header().Get("Location")
		if host, ok := browserHost(loc); !ok || host != "pantau.local" {
			t.Fatalf("safeNext(%q) = %q, Location %q: a browser goes to %q", s, n, loc, host)
		}
	})
}
