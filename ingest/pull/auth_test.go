package pull

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pantau-koperasi/pantau/ingest/apisim"
	"github.com/pantau-koperasi/pantau/internal/config"
)

// Credentials come from the environment; a refused or missing one is a clear error, is not retried,
// writes nothing, and the secret appears in no error, log line or table.
func TestAuth(t *testing.T) {
	const tok, key, user, pass = "rahasia-token-7f3a9c", "kunci-api-51be", "petugas", "sandi-9d2e"
	cases := []struct {
		name   string
		opt    apisim.Options
		setup  func(t *testing.T, s *config.Sumber)
		wantOK bool
		want   string
	}{
		{"bearer ok", apisim.Options{BearerToken: tok}, func(t *testing.T, s *config.Sumber) {
			s.Auth, s.TokenEnv = "bearer", "UJI_TOKEN"
			t.Setenv("UJI_TOKEN", tok)
		}, true, ""},
		{"bearer wrong", apisim.Options{BearerToken: tok}, func(t *testing.T, s *config.Sumber) {
			s.Auth, s.TokenEnv = "bearer", "UJI_TOKEN"
			t.Setenv("UJI_TOKEN", "rahasia-lama-0000")
		}, false, "autentikasi ditolak"},
		{"bearer env missing", apisim.Options{BearerToken: tok}, func(t *testing.T, s *config.Sumber) {
			s.Auth, s.TokenEnv = "bearer", "UJI_TOKEN_TIDAK_ADA"
		}, false, "variabel lingkungan UJI_TOKEN_TIDAK_ADA kosong atau tidak ada"},
		{"api key ok", apisim.Options{APIKey: key}, func(t *testing.T, s *config.Sumber) {
			s.Auth, s.TokenEnv = "api_key", "UJI_KUNCI"
			t.Setenv("UJI_KUNCI", key)
		}, true, ""},
		{"api key absent", apisim.Options{APIKey: key}, func(t *testing.T, s *config.Sumber) {}, false, "HTTP 401"},
		{"basic ok", apisim.Options{BasicUser: user, BasicPass: pass}, func(t *testing.T, s *config.Sumber) {
			s.Auth, s.UserEnv, s.PasswordEnv = "basic", "UJI_USER", "UJI_PASS"
			t.Setenv("UJI_USER", user)
			t.Setenv("UJI_PASS", pass)
		}, true, ""},
		{"basic wrong password", apisim.Options{BasicUser: user, BasicPass: pass}, func(t *testing.T, s *config.Sumber) {
			s.Auth, s.UserEnv, s.PasswordEnv = "basic", "UJI_USER", "UJI_PASS"
			t.Setenv("UJI_USER", user)
			t.Setenv("UJI_PASS", "salah-sandi")
		}, false, "autentikasi ditolak"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, err := apisim.Start(laporans(2), c.opt)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			ws, logs := newWS(t)
			src := source(t, srv, apisim.PathPage, "page", 10)
			c.setup(t, src)
			if err := src.Check(); err != nil {
				t.Fatal(err)
			}
			res, err := Pull(context.Background(), ws, src, Options{Clock: newFakeClock()})
			if c.wantOK {
				if err != nil || res.Accepted != 2 {
					t.Fatalf("accepted %d err %v", res.Accepted, err)
				}
			} else {
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("want %q, got %v", c.want, err)
				}
				var he *HTTPError
				if errors.As(err, &he) && (!he.IsAuth() || he.Attempts != 1) {
					t.Fatalf("auth failure retried or misread: %+v", he)
				}
				if n := count(t, ws, `SELECT count(*) FROM ops.submissions`); n != 0 {
					t.Fatalf("%d submissions written", n)
				}
			}
			text := logs.String()
			if err != nil {
				text += err.Error()
			}
			var dump string
			ws.WH.DB().QueryRow(`SELECT coalesce(string_agg(body::VARCHAR, ' '), '') FROM raw.api_pages`).Scan(&dump)
			text += dump
			var ops string
			ws.WH.DB().QueryRow(`SELECT coalesce(string_agg(filename || coalesce(message, ''), ' '), '') FROM ops.submissions`).Scan(&ops)
			text += ops
			for _, s := range []string{tok, key, pass, "rahasia-lama-0000", "salah-sandi"} {
				if strings.Contains(text, s) {
					t.Fatalf("secret %q leaked into logs, errors or the warehouse", s)
				}
			}
		})
	}
}

// A redirect to another host is refused before the API key could follow it.
func TestRedirectElsewhereRefused(t *testing.T) {
	leaked := make(chan string, 1)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked <- r.Header.Get("X-API-Key")
		w.Write([]byte(`{"data": []}`))
	}))
	defer evil.Close()
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(evil.URL, "127.0.0.1", "localhost", 1)+"/steal", http.StatusFound)
	}))
	defer app.Close()
	ws, _ := newWS(t)
	s := config.DefaultSumber()
	s.Nama, s.URL, s.Auth, s.TokenEnv = "app", app.URL+"/laporan", "api_key", "UJI_KUNCI"
	t.Setenv("UJI_KUNCI", "kunci-rahasia-77")
	_, err := Pull(context.Background(), ws, &s, Options{Clock: newFakeClock()})
	if err == nil || !strings.Contains(err.Error(), "mengalihkan ke host lain") {
		t.Fatalf("want the redirect refused, got %v", err)
	}
	select {
	case k := <-leaked:
		t.Fatalf("the other host received the key %q", k)
	default:
	}
}
