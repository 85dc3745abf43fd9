package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/pantau-koperasi/pantau/app/web"
	"github.com/pantau-koperasi/pantau/ingest/apisim"
	"github.com/pantau-koperasi/pantau/ingest/push"
	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/schedules"
)

func appReports(n int) []apisim.Laporan {
	var out []apisim.Laporan
	for i := 1; i <= n; i++ {
		out = append(out, apisim.Laporan{ID: i, UpdatedAt: fmt.Sprintf("2026-01-%02dT08:00:00Z", i), NIK: fmt.Sprintf("32760100000000%02d", i),
			Nama: fmt.Sprintf("KSP Maju %d", i), JenisKode: "01", KodeWilayah: "32.76", Tahun: 2024, Pria: 10, Wanita: int64(i),
			Pokok: 1_000_000, Wajib: 2_000_000, AsetRibu: float64(1000 * i)})
	}
	return out
}

// addSource appends a [[sumber]] for the simulated app to the workspace's pantau.toml.
func addSource(t *testing.T, dir string, s config.Sumber) {
	t.Helper()
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(map[string]any{"sumber": []config.Sumber{s}}); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, config.FileName), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString("\n" + b.String())
}

// pantau pull, sources list|test against the simulated app over loopback, with a failure in the
// middle of a pull and a resume that ends with exactly the app's rows.
func TestPullCommands(t *testing.T) {
	t.Setenv("PANTAU_AS_OF", "2026-11-22")
	t.Setenv("UJI_APP_TOKEN", "token-aplikasi-uji-1234")
	srv, err := apisim.Start(appReports(5), apisim.Options{BearerToken: "token-aplikasi-uji-1234", Fail500: map[int]int{2: -1}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32")
	// No sources is the workspace's state, not bad usage: a failure (exit 1) that says what to do.
	if _, err := pantau(t, "-C", dir, "pull"); err == nil || errors.As(err, new(usageError)) || !strings.Contains(err.Error(), "[[sumber]]") || !strings.Contains(err.Error(), "sources sim") {
		t.Fatalf("pull without sources: want a failure naming [[sumber]] and `sources sim`, got %v", err)
	}
	s := config.DefaultSumber()
	s.Nama, s.URL, s.Auth, s.TokenEnv, s.UkuranHalaman = "app", srv.URL+apisim.PathPage, "bearer", "UJI_APP_TOKEN", 3
	s.SinceParam, s.SinceField = "updated_since", "updated_at"
	s.Peta, s.Kali, s.Nilai = apisim.Peta(), apisim.Kali(), apisim.Nilai()
	s.MaxPercobaan, s.BackoffAwalMS = 2, 10
	addSource(t, dir, s)

	out := mustPantau(t, "-C", dir, "sources", "list")
	if !regexp.MustCompile(`app\s+http://127\.0\.0\.1:\d+/api/v1/laporan\s+page\s+bearer\s+-\s+siap`).MatchString(out) {
		t.Fatalf("sources list:\n%s", out)
	}
	out = mustPantau(t, "-C", dir, "sources", "test", "app")
	for _, want := range []string{"3 rekaman di halaman pertama", "total_aset", "keuangan.aset_ribu", `"1000000.00"`, "[uji, tidak ditulis]", "3 diterima"} {
		if !strings.Contains(out, want) {
			t.Fatalf("sources test lacks %q:\n%s", want, out)
		}
	}
	if got := sqlRows(t, dir, "select count(*) from ops.submissions"); got[0][0] != "0" {
		t.Fatal("sources test wrote a submission")
	}

	// Page 2 keeps failing: page 1 is loaded, the pull fails (exit 1), the position is kept.
	out, err = pantau(t, "-C", dir, "pull")
	if err == nil || errors.As(err, new(usageError)) || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("want a failure naming HTTP 500, got %v\n%s", err, out)
	}
	if !strings.Contains(out, "3 diterima") {
		t.Fatalf("page 1 not reported:\n%s", out)
	}
	out = mustPantau(t, "-C", dir, "sources", "list")
	if !strings.Contains(out, "terputus setelah halaman 1") {
		t.Fatalf("sources list after the failure:\n%s", out)
	}
	srv.Heal()
	out = mustPantau(t, "-C", dir, "pull", "app")
	if !strings.Contains(out, "Sumber app: 2 halaman, 2 baris dibaca, 2 diterima, 0 karantina, 0 duplikat — selesai, melanjutkan penarikan sebelumnya") {
		t.Fatalf("resume:\n%s", out)
	}
	got := sqlRows(t, dir, "select nik, (total_aset)::BIGINT, jumlah_anggota from raw.laporan order by nik")
	if len(got) != 5 {
		t.Fatalf("%d rows after the resume, want exactly the app's 5: %v", len(got), got)
	}
	for i, r := range got {
		want := []string{fmt.Sprintf("32760100000000%02d", i+1), fmt.Sprint(1_000_000 * (i + 1)), fmt.Sprint(10 + i + 1)}
		if strings.Join(r, ",") != strings.Join(want, ",") {
			t.Fatalf("row %d: %v, want %v", i, r, want)
		}
	}
	runs := sqlRows(t, dir, "select status from ops.runs where stage = 'pull' order by id")
	if len(runs) != 2 || runs[0][0] != "failed" || runs[1][0] != "succeeded" {
		t.Fatalf("ops.runs: %v", runs)
	}
	out = mustPantau(t, "-C", dir, "sources", "list")
	if !strings.Contains(out, "2026-01-05T08:00:00Z") {
		t.Fatalf("watermark not shown:\n%s", out)
	}
	if _, err := pantau(t, "-C", dir, "pull", "tidak-ada"); !errors.As(err, new(usageError)) || !strings.Contains(err.Error(), "yang ada: app") {
		t.Fatalf("unknown source: %v", err)
	}
	// The secret is nowhere in the warehouse.
	if got := sqlRows(t, dir, "select count(*) from ops.runs where error like '%token-aplikasi%'"); got[0][0] != "0" {
		t.Fatal("secret in ops.runs")
	}
}

func TestTokenCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir)
	out := mustPantau(t, "-C", dir, "token", "create", "--nama", "KSP Maju", "--nik", "3276010000000001")
	tok := regexp.MustCompile(`pantau_[a-z2-7]{52}`).FindString(out)
	if tok == "" {
		t.Fatalf("no token shown:\n%s", out)
	}
	mustPantau(t, "-C", dir, "token", "create", "--nama", "Dinas Kab", "--kantor")
	out = mustPantau(t, "-C", dir, "token", "list")
	if strings.Contains(out, tok) || !strings.Contains(out, tok[:13]) || !strings.Contains(out, "3276010000000001") || strings.Count(out, "aktif") != 2 {
		t.Fatalf("token list:\n%s", out)
	}
	mustPantau(t, "-C", dir, "token", "revoke", "1")
	if out = mustPantau(t, "-C", dir, "token", "list"); !strings.Contains(out, "dicabut") {
		t.Fatalf("after revoke:\n%s", out)
	}
	for _, args := range [][]string{
		{"token", "create", "--nama", "x"},
		{"token", "create", "--nama", "x", "--nik", "3276010000000001", "--kantor"},
		{"token", "create", "--nama", "x", "--nik", "123"},
		{"token", "revoke", "satu"},
	} {
		if _, err := pantau(t, append([]string{"-C", dir}, args...)...); !errors.As(err, new(usageError)) {
			t.Errorf("%v: want a usage error, got %v", args, err)
		}
	}
	if _, err := pantau(t, "-C", dir, "token", "revoke", "99"); err == nil {
		t.Error("revoking an unknown token must fail")
	}
}

func TestPullJSON(t *testing.T) {
	t.Setenv("UJI_APP_TOKEN", "t-1234")
	srv, err := apisim.Start(appReports(4), apisim.Options{BearerToken: "t-1234"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir)
	s := config.DefaultSumber()
	s.Nama, s.URL, s.Auth, s.TokenEnv, s.Paginasi, s.SizeParam, s.UkuranHalaman = "app", srv.URL+apisim.PathOffset, "bearer", "UJI_APP_TOKEN", "offset", "limit", 3
	s.Peta, s.Kali, s.Nilai = apisim.Peta(), apisim.Kali(), apisim.Nilai()
	addSource(t, dir, s)
	out := mustPantau(t, "-C", dir, "pull", "--json")
	var res []struct {
		Source   string `json:"source"`
		Complete bool   `json:"complete"`
		Accepted int    `json:"rows_accepted"`
		Pages    []struct {
			Page    int `json:"page"`
			Records int `json:"records"`
		} `json:"pages"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(res) != 1 || !res[0].Complete || res[0].Accepted != 4 || len(res[0].Pages) != 3 || res[0].Pages[1].Records != 1 || res[0].Pages[2].Records != 0 {
		t.Fatalf("%s", out)
	}
	// --reset forgets the position: the same pages again are recognised byte for byte.
	mustPantau(t, "-C", dir, "pull", "--reset", "app")
	if got := sqlRows(t, dir, "select count(*) from raw.laporan"); got[0][0] != "4" {
		t.Fatalf("%v rows after a reset pull, want 4", got)
	}
}

// The push API as `pantau serve` mounts it: behind the server's middleware (CSRF protection, body
// limit, headers), a token from `pantau token create` reports; while a job holds the writer lock the
// answer is 503 with Retry-After.
func TestPushThroughServe(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir)
	out := mustPantau(t, "-C", dir, "token", "create", "--nama", "KSP Maju", "--nik", "3276010000000001")
	tok := regexp.MustCompile(`pantau_[a-z2-7]{52}`).FindString(out)
	var logs syncBuffer
	ws, err := workspace.Open(context.Background(), dir, false, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	jobs, err := schedules.Jobs(ws.Config, pipelineStages())
	if err != nil {
		t.Fatal(err)
	}
	runner := schedules.NewRunner(ws, jobs, schedules.Options{})
	srv, err := web.New(ws, web.Options{Runner: runner, API: pushAPI(ws, runner)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	post := func(body string) (int, string, http.Header) {
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/laporan", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "serve-1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	body := `{"nama_koperasi": "KSP Maju", "tahun_buku": 2024, "simpanan_wajib": "Rp 2.500.000"}`
	release, err := runner.LockWriter(context.Background()) // a job is running
	if err != nil {
		t.Fatal(err)
	}
	if code, b, h := post(body); code != 503 || h.Get("Retry-After") == "" {
		t.Fatalf("while a job runs: %d %s", code, b)
	}
	release()
	code, b, hdr := post(body)
	if code != 200 || !strings.Contains(b, `"rows_accepted":1`) || !strings.Contains(b, `"nik":"3276010000000001"`) {
		t.Fatalf("%d %s", code, b)
	}
	// The access log names the token by its id (the first token: 1), never the secret, and the
	// header that carried the id to the log never reaches the client.
	if push.HeaderTokenID != web.HeaderTokenID {
		t.Fatalf("push sets %q, the access log reads %q", push.HeaderTokenID, web.HeaderTokenID)
	}
	if v := hdr.Get(web.HeaderTokenID); v != "" {
		t.Fatalf("%s leaked to the client: %q", web.HeaderTokenID, v)
	}
	if l := logs.String(); !regexp.MustCompile(`path=/api/v1/laporan .*token=1\b`).MatchString(l) || strings.Contains(l, tok) {
		t.Fatalf("access log should name token=1 and never the secret:\n%s", l)
	}
	// A body announced over serve.max_upload_mb (50 MB) is answered 413 in the API's JSON error
	// shape by the push handler, not as the web pages' text.
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/laporan", io.LimitReader(zeros{}, 51<<20))
	req.ContentLength = 51 << 20
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		rb, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e struct {
			Error struct{ Code, Message string }
		}
		if resp.StatusCode != 413 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
			json.Unmarshal(rb, &e) != nil || e.Error.Code == "" {
			t.Fatalf("oversized push: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), rb)
		}
	}
	resp, err := http.Get(ts.URL + "/api/v1/openapi.json")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("openapi.json through serve: %v %v", err, resp)
	}
	resp.Body.Close()
}

// zeros is an endless body.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
