package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/dashboards"
	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/users"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/schedules"
	"github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
)

// lockedBuf collects the server's log while requests write to it.
type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuf) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// fakeClock is the server's clock in these tests (Options.Now).
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

type fixture struct {
	t     *testing.T
	ws    *workspace.Workspace
	srv   *Server
	h     http.Handler
	ts    *httptest.Server
	log   *lockedBuf
	clock *fakeClock
}

// Users of every fixture, password "rahasia-" + name.
var fixtureUsers = []struct {
	name string
	role users.Role
}{{"sari", users.Petugas}, {"ana", users.Analis}, {"budi", users.Pejabat}, {"admin", users.Admin}}

// newFixture: a workspace of Kota Depok with the fixture users and the real server on loopback.
// site publishes the dashboards first (two cooperatives, one follow-up case opened by hand).
// cfg changes the configuration before the server is made.
func newFixture(t *testing.T, site bool, cfg func(*config.Config)) *fixture {
	t.Helper()
	t.Setenv("PANTAU_AS_OF", "2026-11-22")
	ctx := context.Background()
	logs := &lockedBuf{}
	ws, _, err := workspace.Init(ctx, filepath.Join(t.TempDir(), "ws"), "32.76", "", slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	for _, u := range fixtureUsers {
		if err := users.Add(ctx, ws.WH, u.name, strings.ToUpper(u.name[:1])+u.name[1:], u.role, "rahasia-"+u.name); err != nil {
			t.Fatal(err)
		}
	}
	if site {
		csv := filepath.Join(t.TempDir(), "lap.csv")
		os.WriteFile(csv, []byte("NIK;Nama Koperasi;Kecamatan;Tahun Buku;Nama Ketua;Telepon\n"+
			"3276010000000301;KSP Harapan;Beji;2025;Ketua Rahasia;081234567890\n"+
			"3276010000000302;Kopwan Melati;Beji;2025;Ibu Melati;081298765432\n"), 0o644)
		if _, err := ingest.IngestFile(ctx, ws, csv, ingest.Options{}); err != nil {
			t.Fatal(err)
		}
		if err := app.Stages().Run(ctx, ws, "test", app.Transform); err != nil {
			t.Fatal(err)
		}
		if _, err := tindaklanjut.New(ctx, ws.WH, "budi", tindaklanjut.NewCase{NIK: "3276010000000301", Alasan: "lainnya", Catatan: "laporan janggal"}); err != nil {
			t.Fatal(err)
		}
		if err := app.Stages().Run(ctx, ws, "test", app.Score); err != nil {
			t.Fatal(err)
		}
		if _, err := dashboards.Publish(ctx, ws, dashboards.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if cfg != nil {
		cfg(ws.Config)
	}
	clock := &fakeClock{t: time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)}
	srv, err := New(ws, Options{Runner: schedules.NewRunner(ws, nil, schedules.Options{}), FollowUp: TindakLanjut(ws.WH), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ws: ws, srv: srv, h: srv.Handler(), log: logs, clock: clock}
	f.ts = httptest.NewServer(f.h)
	t.Cleanup(f.ts.Close)
	return f
}

// session logs user in through the login form and returns the client with its cookie.
func (f *fixture) session(user string) *tclient {
	f.t.Helper()
	return loginAs(f.t, f.ts.URL, user, "rahasia-"+user)
}

// cookie is a session of user as a Cookie header value, for requests made on the handler directly.
func (f *fixture) cookie(user string) string {
	f.t.Helper()
	u, err := users.Authenticate(context.Background(), f.ws.WH, user, "rahasia-"+user)
	if err != nil {
		f.t.Fatal(err)
	}
	tok, _, err := users.NewSession(context.Background(), f.ws.WH, u, time.Hour, f.clock.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	return sessionCookie + "=" + tok
}

// direct runs a request on the real handler from a given peer address (RemoteAddr), which a
// loopback test server cannot vary.
func (f *fixture) direct(method, target, remote string, hdr map[string]string, body io.Reader) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, body)
	r.RemoteAddr = remote
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

// loginForm posts the login form from the given peer with an X-Forwarded-For (empty: none).
func (f *fixture) login(remote, xff, user, pass, lanjut string) *httptest.ResponseRecorder {
	f.t.Helper()
	g := f.direct("GET", "/masuk", remote, nil, nil)
	m := csrfRe.FindStringSubmatch(g.Body.String())
	var c *http.Cookie
	for _, k := range g.Result().Cookies() {
		if k.Name == loginCookie {
			c = k
		}
	}
	if m == nil || c == nil {
		f.t.Fatalf("login form: %d %s", g.Code, g.Body)
	}
	form := url.Values{"csrf": {m[1]}, "username": {user}, "password": {pass}}
	if lanjut != "" {
		form.Set("lanjut", lanjut)
	}
	hdr := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Cookie": loginCookie + "=" + c.Value}
	if xff != "" {
		hdr["X-Forwarded-For"] = xff
	}
	return f.direct("POST", "/masuk", remote, hdr, strings.NewReader(form.Encode()))
}

// The redirect after login stays on this site whatever lanjut holds; the two addresses of the
// issue (a tab, and a backslash after a dot segment, each percent-encoded in the query) sent the
// browser to evil.example before.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	f := newFixture(t, false, nil)
	cases := map[string]string{
		"/%09/evil.example":          "/",
		"/./%5Cevil.example":         "/",
		"/%5Cevil.example":           "/",
		"//evil.example":             "/",
		"https://evil.example/":      "/",
		"/tindak-lanjut?status=baru": "/tindak-lanjut?status=baru",
		"/dasbor/../tugas":           "/tugas",
	}
	for raw, want := range cases {
		// The query as a browser sends it: lanjut's value is percent-decoded once by the server.
		v, err := url.QueryUnescape(raw)
		if err != nil {
			t.Fatal(err)
		}
		w := f.login("192.0.2.10:4000", "", "admin", "rahasia-admin", v)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != want {
			t.Errorf("lanjut=%s: %d to %q, want 303 to %q", raw, w.Code, w.Header().Get("Location"), want)
		}
		// The login page keeps only the safe value in its form.
		g := f.direct("GET", "/masuk?lanjut="+raw, "192.0.2.10:4000", nil, nil)
		m := regexp.MustCompile(`name="lanjut" value="([^"]*)"`).FindStringSubmatch(g.Body.String())
		if m == nil || html.UnescapeString(m[1]) != want {
			t.Errorf("login page for lanjut=%s keeps %q, want %q", raw, m, want)
		}
	}
}

// Behind a trusted proxy, throttling, the login log and the access log use the real client. A
// colleague (or anyone) mistyping sari's password five times makes her wait seconds, not fifteen
// minutes; an address that fails twenty times waits, other addresses do not.
func TestLoginThrottleBehindProxy(t *testing.T) {
	f := newFixture(t, false, func(c *config.Config) { c.Serve.TrustedProxies = []string{"192.0.2.1"} })
	const proxy = "192.0.2.1:5000"
	for i := 0; i < 5; i++ {
		if i > 0 {
			f.clock.Add(5 * time.Second) // longer than any wait so far: each try is checked
		}
		if w := f.login(proxy, "203.0.113.7", "sari", "salah-sandi", ""); w.Code != http.StatusUnauthorized {
			t.Fatalf("wrong password #%d: %d", i+1, w.Code)
		}
	}
	// Five failures in a row: the account waits 4 s from the last (1, 2, 4 s after the 3rd, 4th,
	// 5th); sari at her own desk is told so, then gets in.
	w := f.login(proxy, "198.51.100.20", "sari", "rahasia-sari", "")
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "coba lagi dalam 4 detik") || w.Header().Get("Retry-After") != "4" {
		t.Fatalf("sari right after five failures: %d Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	f.clock.Add(4 * time.Second)
	if w := f.login(proxy, "198.51.100.20", "sari", "rahasia-sari", ""); w.Code != http.StatusSeeOther {
		t.Fatalf("sari 4 s later: %d, want in", w.Code)
	}
	logs := f.log.String()
	for _, want := range []string{`msg="login refused" component=web user=sari remote=203.0.113.7`,
		`msg="login throttled" component=web user=sari remote=198.51.100.20 by=akun wait=4s`,
		`msg=login component=web user=sari remote=198.51.100.20`,
		`msg=http component=web method=POST path=/masuk status=303`,
		`user=sari remote=198.51.100.20 proxy=192.0.2.1`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	// One address guessing at many names: after 20 failures within 15 minutes it waits until the
	// oldest is 15 minutes old; another address behind the same proxy does not.
	f.clock.Add(time.Hour)
	for i := 0; i < 20; i++ {
		if w := f.login(proxy, "203.0.113.9", "nama"+itoa(int64(i)), "salah-sandi", ""); w.Code != http.StatusUnauthorized {
			t.Fatalf("guess #%d: %d", i+1, w.Code)
		}
		f.clock.Add(30 * time.Second)
	}
	if w := f.login(proxy, "203.0.113.9", "ana", "rahasia-ana", ""); w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "coba lagi dalam 5 menit") {
		t.Fatalf("21st attempt from the guessing address: %d, want 429 for 5 minutes", w.Code)
	}
	if w := f.login(proxy, "203.0.113.10", "ana", "rahasia-ana", ""); w.Code != http.StatusSeeOther {
		t.Fatalf("another client behind the proxy: %d, want in", w.Code)
	}
	// A spoofed X-Forwarded-For from an untrusted peer counts for nothing: the peer is the client.
	if w := f.login("198.51.100.77:1234", "203.0.113.10", "budi", "salah", ""); w.Code != http.StatusUnauthorized {
		t.Fatal(w.Code)
	}
	if !strings.Contains(f.log.String(), `msg="login refused" component=web user=budi remote=198.51.100.77`) {
		t.Error("a spoofed X-Forwarded-For was believed")
	}
}

// /metrics: an admin's session, the configured token, or a request made on this machine.
func TestMetricsAccess(t *testing.T) {
	const token = "metrik-rahasia-0123456789"
	f := newFixture(t, false, func(c *config.Config) { c.Serve.MetricsToken = token })
	admin, petugas := f.cookie("admin"), f.cookie("sari")
	cases := []struct {
		name, remote string
		hdr          map[string]string
		want         int
	}{
		{"anonymous from elsewhere", "203.0.113.5:1000", nil, http.StatusUnauthorized},
		{"petugas session", "203.0.113.5:1000", map[string]string{"Cookie": petugas}, http.StatusForbidden},
		{"admin session", "203.0.113.5:1000", map[string]string{"Cookie": admin}, http.StatusOK},
		{"the token", "203.0.113.5:1000", map[string]string{"Authorization": "Bearer " + token}, http.StatusOK},
		{"a wrong token", "203.0.113.5:1000", map[string]string{"Authorization": "Bearer " + token + "x"}, http.StatusUnauthorized},
		{"a wrong token from loopback", "127.0.0.1:1000", map[string]string{"Authorization": "Bearer salah"}, http.StatusUnauthorized},
		{"loopback", "127.0.0.1:1000", nil, http.StatusOK},
		{"loopback IPv6", "[::1]:1000", nil, http.StatusOK},
		{"loopback forwarding for someone (a proxy on this machine)", "127.0.0.1:1000", map[string]string{"X-Forwarded-For": "203.0.113.5"}, http.StatusUnauthorized},
		{"elsewhere claiming loopback", "203.0.113.5:1000", map[string]string{"X-Forwarded-For": "127.0.0.1"}, http.StatusUnauthorized},
	}
	for _, c := range cases {
		w := f.direct("GET", "/metrics", c.remote, c.hdr, nil)
		if w.Code != c.want {
			t.Errorf("%s: %d, want %d", c.name, w.Code, c.want)
		}
		if w.Code == 200 && !strings.Contains(w.Body.String(), "pantau_http_requests_total") {
			t.Errorf("%s: not the metrics: %.200s", c.name, w.Body)
		}
		if w.Code != 200 && strings.Contains(w.Body.String(), "pantau_") {
			t.Errorf("%s: refused but shows metrics", c.name)
		}
	}
}

// Who and from where, in every access log line: the session's user, the push API's token id (set
// by the mounted handler through HeaderTokenID, which never reaches the client), the client
// address behind a trusted proxy.
func TestAccessLogNamesUserAndToken(t *testing.T) {
	f := newFixture(t, false, func(c *config.Config) { c.Serve.TrustedProxies = []string{"10.0.0.0/8"} })
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(HeaderTokenID, "7")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"ok":true}`)
	})
	srv, err := New(f.ws, Options{Runner: schedules.NewRunner(f.ws, nil, schedules.Options{}), API: api, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	do := func(target string, hdr map[string]string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", target, nil)
		r.RemoteAddr = "10.1.2.3:5555"
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	if w := do("/", map[string]string{"Cookie": f.cookie("ana"), "X-Forwarded-For": "198.51.100.4, 10.9.9.9"}); w.Code != 200 {
		t.Fatalf("home: %d", w.Code)
	}
	w := do("/api/v1/laporan", map[string]string{"Authorization": "Bearer pantau_rahasia", "X-Forwarded-For": "198.51.100.5"})
	if w.Code != http.StatusCreated || w.Header().Get(HeaderTokenID) != "" {
		t.Fatalf("api: %d, token id header %q reached the client", w.Code, w.Header().Get(HeaderTokenID))
	}
	logs := f.log.String()
	for _, want := range []string{
		`msg=http component=web method=GET path=/ status=200 bytes=`,
		`user=ana remote=198.51.100.4 proxy=10.1.2.3`,
		`path=/api/v1/laporan status=201 bytes=11 `,
		`user="" token=7 remote=198.51.100.5 proxy=10.1.2.3`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("access log lacks %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "pantau_rahasia") {
		t.Error("the log holds the token")
	}
}

var inlineScript = regexp.MustCompile(`<script(\s[^>]*)?>`)

// Every response carries the Content-Security-Policy, the dashboards included, and no page needs
// what it forbids: no inline script (a <script> without src, other than a JSON data block), no
// style element or attribute.
func TestContentSecurityPolicyEverywhere(t *testing.T) {
	f := newFixture(t, true, nil)
	admin := f.session("admin")
	paths := []string{"/masuk", "/", "/unggah", "/tugas", "/tindak-lanjut", "/tindak-lanjut/1", "/tindak-lanjut?status=bogus",
		"/dasbor/", "/dasbor/index.html", "/dasbor/wilayah.html", "/dasbor/kesehatan.html", "/dasbor/keaktifan.html", "/dasbor/kelengkapan.html",
		"/dasbor/kualitas.html", "/dasbor/tindak-lanjut.html", "/dasbor/direktori.html", "/dasbor/koperasi.html", "/dasbor/assets/pantau.js",
		"/dasbor/tidak-ada.html", "/statis/pantau.css", "/healthz"}
	for _, p := range paths {
		resp, err := admin.c.Get(f.ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := resp.Header.Get("Content-Security-Policy"); got != ContentSecurityPolicy {
			t.Errorf("%s (%d): Content-Security-Policy %q", p, resp.StatusCode, got)
		}
		if resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: X-Frame-Options %q", p, resp.Header.Get("X-Frame-Options"))
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		body := string(b)
		for _, m := range inlineScript.FindAllStringSubmatch(body, -1) {
			if !strings.Contains(m[1], "src=") && !strings.Contains(m[1], `type="application/json"`) {
				t.Errorf("%s: inline script %s", p, m[0])
			}
		}
		if strings.Contains(body, "<style") || regexp.MustCompile(`\sstyle=`).MatchString(body) {
			t.Errorf("%s: inline style", p)
		}
	}
	if !strings.Contains(ContentSecurityPolicy, "script-src 'self';") || !strings.Contains(ContentSecurityPolicy, "style-src 'self';") ||
		strings.Contains(ContentSecurityPolicy, "unsafe") {
		t.Errorf("policy not strict: %s", ContentSecurityPolicy)
	}
}

// The dashboards keep the roles of the server's own pages: staff (petugas) may not open the
// follow-up page, its downloads, or the cases of the profiles, in whatever spelling; analysts may.
func TestDashboardRoles(t *testing.T) {
	f := newFixture(t, true, nil)
	sari, ana := f.session("sari"), f.session("ana")
	site := f.ws.Config.Abs(f.ws.Config.Paths.Public)
	downloads, _ := filepath.Glob(filepath.Join(site, "unduh", "tindak-lanjut-*"))
	cases, _ := filepath.Glob(filepath.Join(site, "data", "kasus", "*.js"))
	if len(downloads) < 2 || len(cases) != 1 {
		t.Fatalf("the site lacks the follow-up downloads or cases: %v %v", downloads, cases)
	}
	rel := func(p string) string { r, _ := filepath.Rel(site, p); return filepath.ToSlash(r) }
	restricted := []string{"tindak-lanjut.html", "TINDAK-LANJUT.HTML", "Tindak-Lanjut.html.", "./unduh/../tindak-lanjut.html", "unduh/tindak-lanjut-daftar.csv",
		"unduh/tindak-lanjut-daftar.xlsx", "unduh/TINDAK-LANJUT-DAFTAR.CSV", "data/kasus/32.76.js", "data/Kasus/32.76.js"}
	for _, p := range downloads {
		restricted = append(restricted, rel(p))
	}
	for _, p := range restricted {
		if code, body := sari.do("GET", "/dasbor/"+p, nil); code != http.StatusForbidden || !strings.Contains(body, "tindak-lanjut") {
			t.Errorf("petugas GET /dasbor/%s: %d, want 403", p, code)
		}
	}
	if code, body := ana.do("GET", "/dasbor/unduh/tindak-lanjut-daftar.csv", nil); code != 200 || !strings.Contains(body, "KSP Harapan") {
		t.Errorf("analyst: the case list download %d %.100s", code, body)
	}
	if code, body := ana.do("GET", "/dasbor/data/kasus/32.76.js", nil); code != 200 || !strings.Contains(body, `[1,"Lainnya","Baru","sedang",`) {
		t.Errorf("analyst: the profiles' cases %d %.100s", code, body)
	}
	if code, _ := ana.do("GET", "/dasbor/tindak-lanjut.html", nil); code != 200 {
		t.Errorf("analyst: the follow-up page %d", code)
	}
	// Everything else of the site stays open to staff; the profiles hold no case.
	for _, p := range []string{"", "index.html", "direktori.html", "koperasi.html", "unduh/index-status.csv", "data/kop/32.76.js", "assets/pantau.js"} {
		code, body := sari.do("GET", "/dasbor/"+p, nil)
		if code != 200 {
			t.Errorf("petugas GET /dasbor/%s: %d", p, code)
		}
		if strings.HasPrefix(p, "data/kop/") && (strings.Contains(body, `"Lainnya"`) || strings.Contains(body, "tanpa RAT") || !strings.Contains(body, `"ks":true`)) {
			t.Errorf("the profile file carries the cases: %.300s", body)
		}
	}
	// No folder listing (it would name the files), no other spellings of a file.
	for _, p := range []string{"unduh/", "data/kasus/", "TINDAK~1.HTM", "tindak-lanjut.html::$DATA"} {
		if code, _ := ana.do("GET", "/dasbor/"+p, nil); code != http.StatusNotFound {
			t.Errorf("GET /dasbor/%s: %d, want 404", p, code)
		}
	}
}

// An unknown ?status= is the client's mistake (400, said in Indonesian), not a server error.
func TestFollowUpBadStatusFilter(t *testing.T) {
	f := newFixture(t, true, nil)
	budi := f.session("budi")
	code, body := budi.do("GET", "/tindak-lanjut?status=bogus", nil)
	if code != http.StatusBadRequest || !strings.Contains(body, "status &#34;bogus&#34; tidak dikenal; pilih salah satu: baru, diproses, selesai, dibatalkan") {
		t.Fatalf("?status=bogus: %d %s", code, body)
	}
	for _, st := range []string{"", "baru", "terbuka", "Selesai"} {
		if code, _ := budi.do("GET", "/tindak-lanjut?status="+st, nil); code != 200 {
			t.Errorf("?status=%s: %d", st, code)
		}
	}
}
