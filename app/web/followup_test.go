package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/internal/users"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/schedules"
	"github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
)

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

type tclient struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func loginAs(t *testing.T, base, user, pass string) *tclient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	cl := &tclient{t: t, base: base, c: &http.Client{Jar: jar}}
	_, body := cl.do("GET", "/masuk", nil)
	_, body = cl.do("POST", "/masuk", url.Values{"csrf": {csrfRe.FindStringSubmatch(body)[1]}, "username": {user}, "password": {pass}})
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("login %s failed: %s", user, body)
	}
	cl.csrf = m[1]
	return cl
}

func (cl *tclient) do(method, path string, form url.Values) (int, string) {
	cl.t.Helper()
	var resp *http.Response
	var err error
	if method == "GET" {
		resp, err = cl.c.Get(cl.base + path)
	} else {
		resp, err = cl.c.PostForm(cl.base+path, form)
	}
	if err != nil {
		cl.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The follow-up pages on the real follow-up module: an official assigns a case, comments and changes
// its status, and the audit trail shows each change with who made it; staff cannot open the pages;
// a change without the CSRF token changes nothing.
func TestFollowUpPages(t *testing.T) {
	ctx := context.Background()
	ws, _, err := workspace.Init(ctx, filepath.Join(t.TempDir(), "ws"), "32.76", "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	csv := filepath.Join(t.TempDir(), "lap.csv")
	os.WriteFile(csv, []byte("NIK;Nama Koperasi;Kecamatan;Tahun Buku\n3276010000000301;KSP Harapan;Beji;2025\n"), 0o644)
	if _, err := ingest.IngestFile(ctx, ws, csv, ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := app.Stages().Run(ctx, ws, "test", app.Transform); err != nil {
		t.Fatal(err)
	}
	id, err := tindaklanjut.New(ctx, ws.WH, "budi", tindaklanjut.NewCase{NIK: "3276010000000301", Alasan: "lainnya", Catatan: "laporan janggal"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name string
		role users.Role
	}{{"budi", users.Pejabat}, {"sari", users.Petugas}} {
		if err := users.Add(ctx, ws.WH, u.name, strings.ToUpper(u.name[:1])+u.name[1:], u.role, "rahasia-"+u.name); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := New(ws, Options{Runner: schedules.NewRunner(ws, nil, schedules.Options{}), FollowUp: TindakLanjut(ws.WH)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	sari := loginAs(t, ts.URL, "sari", "rahasia-sari")
	if code, body := sari.do("GET", "/tindak-lanjut", nil); code != http.StatusForbidden || !strings.Contains(body, "petugas") {
		t.Fatalf("staff on the follow-up list: %d", code)
	}
	budi := loginAs(t, ts.URL, "budi", "rahasia-budi")
	// Open a case by hand from the list page's form; the page of the new case follows.
	if code, body := budi.do("POST", "/tindak-lanjut", url.Values{"csrf": {budi.csrf}, "nik": {"3276010000000301"}, "alasan": {"rat_terlambat"},
		"prioritas": {"tinggi"}, "jatuh_tempo": {"2026-12-31"}, "catatan": {"RAT 2025 belum dilaksanakan"}}); code != 200 || !strings.Contains(body, "RAT 2025 belum dilaksanakan") || !strings.Contains(body, "31 Des 2026") {
		t.Fatalf("new case: %d %s", code, body)
	}
	if code, body := budi.do("POST", "/tindak-lanjut", url.Values{"csrf": {budi.csrf}, "nik": {"9999999999999999"}, "alasan": {"lainnya"}}); code != http.StatusBadRequest {
		t.Fatalf("case for an unknown cooperative: %d %s", code, body)
	}
	if _, body := budi.do("GET", "/tindak-lanjut?status=baru", nil); !strings.Contains(body, "KSP Harapan") {
		t.Fatalf("list lacks the case: %s", body)
	}
	casePath := "/tindak-lanjut/" + itoa(id)
	// Without the token: refused, nothing changed.
	if code, _ := budi.do("POST", casePath+"/status", url.Values{"status": {"selesai"}}); code != http.StatusForbidden {
		t.Fatalf("status change without csrf: %d", code)
	}
	steps := []struct {
		aksi string
		form url.Values
	}{
		{"petugas", url.Values{"petugas": {"sari"}}},
		{"catatan", url.Values{"teks": {"Sudah ditelepon, RAT dijadwalkan Desember"}}},
		{"status", url.Values{"status": {"diproses"}}},
	}
	for _, s := range steps {
		s.form.Set("csrf", budi.csrf)
		if code, body := budi.do("POST", casePath+"/"+s.aksi, s.form); code != 200 || !strings.Contains(body, `id="flash"`) {
			t.Fatalf("%s: %d %s", s.aksi, code, body)
		}
	}
	_, page := budi.do("GET", casePath, nil)
	for _, want := range []string{`<td id="petugas">sari</td>`, `<td id="status">diproses</td>`, "Sudah ditelepon, RAT dijadwalkan Desember"} {
		if !strings.Contains(page, want) {
			t.Fatalf("case page lacks %q", want)
		}
	}
	// The audit trail in the warehouse, as the page shows it: who changed which field from what to what.
	rows, err := ws.WH.DB().Query(`SELECT who, field, coalesce("before", ''), coalesce("after", '') FROM ops.audit WHERE entity_id = ? AND field IN ('petugas', 'status') ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var who, field, before, after string
		rows.Scan(&who, &field, &before, &after)
		got = append(got, who+" "+field+" "+before+"→"+after)
	}
	rows.Close()
	want := []string{"budi petugas →sari", "budi status baru→diproses"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("audit %v, want %v", got, want)
	}
	if !strings.Contains(page, "<td>budi</td><td>status</td><td>baru</td><td>diproses</td>") {
		t.Fatal("the audit table on the page lacks the status change")
	}
}

// Three wrong passwords in a row for one name make the next attempt wait a second, the right
// password included; then it gets in (the real server on loopback, on the fixture's clock).
func TestLoginThrottled(t *testing.T) {
	f := newFixture(t, false, nil)
	jar, _ := cookiejar.New(nil)
	cl := &tclient{t: t, base: f.ts.URL, c: &http.Client{Jar: jar}}
	try := func(pass string) (int, string) {
		_, body := cl.do("GET", "/masuk", nil)
		return cl.do("POST", "/masuk", url.Values{"csrf": {csrfRe.FindStringSubmatch(body)[1]}, "username": {"sari"}, "password": {pass}})
	}
	for i := 0; i < 3; i++ {
		if code, body := try("salah-sandi"); code != http.StatusUnauthorized || !strings.Contains(body, "nama pengguna atau kata sandi salah") {
			t.Fatalf("wrong password #%d: %d", i+1, code)
		}
	}
	if code, body := try("rahasia-sari"); code != http.StatusTooManyRequests || !strings.Contains(body, "terlalu banyak percobaan masuk yang gagal; coba lagi dalam 1 detik") {
		t.Fatalf("fourth attempt: %d, want 429 for a second", code)
	}
	f.clock.Add(time.Second)
	if code, body := try("rahasia-sari"); code != 200 || !strings.Contains(body, "Keluar") {
		t.Fatalf("a second later: %d", code)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
