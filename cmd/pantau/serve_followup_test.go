package main

import (
	"context"
	"io"
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

	"github.com/pantau-koperasi/pantau/app/web"
	"github.com/pantau-koperasi/pantau/internal/users"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/schedules"
	"github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
)

// The follow-up pages of `pantau serve` run on scoring/tindaklanjut: an official logs in, sees the
// automatic case, and changes its status through the real HTTP server; the audit trail names them.
func TestServeFollowUpPages(t *testing.T) {
	t.Setenv("PANTAU_AS_OF", "2026-11-22")
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32.76")
	p := filepath.Join(t.TempDir(), "lama.csv")
	if err := os.WriteFile(p, []byte("NIK;Nama Koperasi;Tahun Buku;Tanggal RAT\n3276010000000009;Koperasi Lama;2020;10/03/2021\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustPantau(t, "-C", dir, "ingest", p)
	mustPantau(t, "-C", dir, "transform")
	mustPantau(t, "-C", dir, "score")

	ctx := context.Background()
	ws, err := workspace.Open(ctx, dir, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := users.Add(ctx, ws.WH, "kabid", "Kepala Bidang", users.Pejabat, "Rahasia-Sekali-2026"); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(ws, web.Options{Runner: schedules.NewRunner(ws, nil, schedules.Options{}), FollowUp: followUps(ws)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	csrfRe := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	get := func(path string) string {
		t.Helper()
		resp, err := c.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	post := func(path string, v url.Values) int {
		t.Helper()
		resp, err := c.PostForm(ts.URL+path, v)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	m := csrfRe.FindStringSubmatch(get("/masuk"))
	if m == nil {
		t.Fatal("no csrf on the login page")
	}
	if st := post("/masuk", url.Values{"csrf": {m[1]}, "username": {"kabid"}, "password": {"Rahasia-Sekali-2026"}}); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	list := get("/tindak-lanjut")
	if !strings.Contains(list, "Koperasi Lama") || !strings.Contains(list, "tidak_aktif") {
		t.Fatalf("case list lacks the automatic case:\n%s", list)
	}
	cases, err := tindaklanjut.List(ctx, ws.WH, tindaklanjut.Filter{NIK: "3276010000000009"})
	if err != nil || len(cases) != 1 {
		t.Fatalf("cases %v %v", cases, err)
	}
	id := strconv.FormatInt(cases[0].ID, 10)
	page := get("/tindak-lanjut/" + id)
	m = csrfRe.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "Koperasi Lama") {
		t.Fatalf("case page:\n%s", page)
	}
	if st := post("/tindak-lanjut/"+id+"/status", url.Values{"csrf": {m[1]}, "status": {"diproses"}}); st != http.StatusOK {
		t.Fatalf("status change: %d", st)
	}
	if st := post("/tindak-lanjut/"+id+"/catatan", url.Values{"csrf": {m[1]}, "teks": {"Surat teguran dikirim"}}); st != http.StatusOK {
		t.Fatalf("note: %d", st)
	}
	got, trail, err := tindaklanjut.Get(ctx, ws.WH, cases[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	last := trail[len(trail)-1]
	prev := trail[len(trail)-2]
	if got.Status != "diproses" || prev.Oleh != "kabid" || prev.Kolom != "status" || prev.Sebelum != "baru" || prev.Sesudah != "diproses" ||
		last.Kolom != "catatan" || last.Sesudah != "Surat teguran dikirim" {
		t.Errorf("after the web changes: %+v %+v", got, trail)
	}
	if page := get("/tindak-lanjut/" + id); !strings.Contains(page, "Surat teguran dikirim") {
		t.Error("the note is not shown on the case page")
	}
}
