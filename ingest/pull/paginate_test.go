package pull

import (
	"net/url"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/internal/config"
)

func linkSource(nextPath string) *config.Sumber {
	s := config.DefaultSumber()
	s.Nama, s.URL, s.Paginasi, s.NextPath, s.UkuranHalaman = "app", "https://app.example/api/laporan", "next_link", nextPath, 10
	return &s
}

// Next links: relative ones resolve against the page; a link to another host is refused (the
// credentials must not follow it); the Link header is read when no next_path is set.
func TestNextLink(t *testing.T) {
	cur := "https://app.example/api/laporan?limit=10"
	body := func(next string) any {
		v, _ := Decode([]byte(`{"links": {"next": ` + next + `}}`))
		return v
	}
	cases := []struct {
		next, link string
		path       string
		want       string
		more, fail bool
	}{
		{`"/api/laporan?after=abc"`, "", "links.next", "https://app.example/api/laporan?after=abc", true, false},
		{`"?after=abc"`, "", "links.next", "https://app.example/api/laporan?after=abc", true, false},
		{`null`, "", "links.next", "", false, false},
		{`"https://evil.example/steal"`, "", "links.next", "", false, true},
		{`"http://app.example/api/laporan?after=x"`, "", "links.next", "", false, true}, // scheme downgrade
		{`5`, "", "links.next", "", false, true},
		{`null`, `<https://app.example/api/laporan?after=q>; rel="next", <https://app.example/api/laporan>; rel="first"`, "", "https://app.example/api/laporan?after=q", true, false},
		{`null`, `<https://app.example/api/laporan>; rel="first"`, "", "", false, false},
		{`"` + cur + `"`, "", "links.next", "", false, true}, // the same page again would loop
	}
	for _, c := range cases {
		pos, more, err := next(linkSource(c.path), Position{}, body(c.next), 3, c.link, cur)
		if (err != nil) != c.fail || more != c.more || pos.URL != c.want {
			t.Errorf("next %s link %q: got %q more=%v err=%v, want %q more=%v fail=%v", c.next, c.link, pos.URL, more, err, c.want, c.more, c.fail)
		}
	}
}

func FuzzNext(f *testing.F) {
	f.Add([]byte(`{"links": {"next": "/api/laporan?after=1"}, "next_cursor": "abc"}`), `<https://app.example/x>; rel="next"`)
	f.Add([]byte(`{"links": {"next": "//evil.example/"}}`), `<//evil.example>; rel=next`)
	f.Add([]byte(`[1,2]`), ``)
	f.Fuzz(func(t *testing.T, b []byte, link string) {
		body, err := Decode(b)
		if err != nil {
			return
		}
		cur := "https://app.example/api/laporan?limit=10"
		for _, path := range []string{"links.next", ""} {
			pos, more, err := next(linkSource(path), Position{}, body, 1, link, cur)
			if err == nil && more {
				u, perr := url.Parse(pos.URL)
				if perr != nil || u.Host != "app.example" || u.Scheme != "https" {
					t.Fatalf("followed a link off the source: %q", pos.URL)
				}
			}
		}
		cs := linkSource("next_cursor")
		cs.Paginasi = "cursor"
		_, _, _ = next(cs, Position{Cursor: "x"}, body, 1, link, cur)
		_, _ = items(cs, body)
	})
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"7", "0", "-1", "Wed, 21 Oct 2015 07:28:00 GMT", "99999999999999999999", " 3 ", "soon"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := Backoff{Initial: time.Second, Max: time.Minute, Attempts: 3}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := parseRetryAfter(s, now)
		if ok && d < 0 {
			t.Fatalf("negative wait %v for %q", d, s)
		}
		v, w := b.Decide(1, 429, s, nil, now)
		if v != Retry || w < 0 || w > time.Minute {
			t.Fatalf("Retry-After %q: %v %v", s, v, w)
		}
	})
}
