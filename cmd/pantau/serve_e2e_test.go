package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// syncBuffer collects the server's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startServe runs the real `pantau serve` command in-process on a free loopback port and returns its
// base URL and a stop function that sends the equivalent of SIGTERM (cancels the command's context)
// and waits for it to return.
func startServe(t *testing.T, dir string) (string, func() string) {
	t.Helper()
	g = globals{}
	root := newRoot()
	out := &syncBuffer{}
	root.SetOut(out)
	root.SetErr(out)
	root.SetArgs([]string{"-C", dir, "--log-level", "info", "serve", "--addr", "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	re := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			stopped := false
			stop := func() string {
				if !stopped {
					stopped = true
					cancel()
					if err := <-done; err != nil {
						t.Errorf("pantau serve ended with %v\n%s", err, out.String())
					}
				}
				return out.String()
			}
			t.Cleanup(func() { stop() })
			return "http://" + m[1], stop
		}
		select {
		case err := <-done:
			t.Fatalf("pantau serve stopped at start: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("pantau serve did not start:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func pantauIn(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	g = globals{}
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(strings.NewReader(stdin))
	root.SetArgs(args)
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("pantau %v: %v\n%s", args, err, out.String())
	}
	return out.String()
}

func editConfig(t *testing.T, dir string, repl ...string) {
	t.Helper()
	p := filepath.Join(dir, "pantau.toml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i < len(repl); i += 2 {
		if !strings.Contains(s, repl[i]) {
			t.Fatalf("pantau.toml lacks %q", repl[i])
		}
		s = strings.Replace(s, repl[i], repl[i+1], 1)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func browser(t *testing.T) (context.Context, context.CancelFunc) {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Skip("chromium not installed (make browser-deps)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath("/usr/bin/chromium"),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, tcancel := context.WithTimeout(ctx, 3*time.Minute)
	return ctx, func() { tcancel(); cancel(); acancel() }
}

const (
	// Three cooperatives of Kota Depok for 2025, and one row whose Simpanan Pokok cannot be read.
	uploadA = "NIK;Nama Koperasi;Jenis;Kecamatan;Tahun Buku;Anggota Pria;Anggota Wanita;Simpanan Pokok;Tgl RAT\n" +
		"3276010000000101;KSP Sejahtera;KSP;Beji;2025;30;20;Rp 1.000.000;15/03/2026\n" +
		"3276010000000102;Kopwan Mawar;Kopwan;Beji;2025;0;80;2.000.000;20/03/2026\n" +
		"3276010000000103;KUD Makmur;KUD;Sukmajaya;2025;40;10;500.000;01/04/2026\n" +
		"3276010000000104;Koperasi Salah;Konsumen;Beji;2025;5;5;dua juta;01/04/2026\n"
	// Two more cooperatives, uploaded while the nightly job runs.
	uploadB = "NIK;Nama Koperasi;Jenis;Kecamatan;Tahun Buku;Anggota Pria;Anggota Wanita\n" +
		"3276010000000201;KSP Bina;KSP;Beji;2025;10;10\n" +
		"3276010000000202;Koperasi Guru;Konsumen;Beji;2025;12;30\n"
)

// The whole server, as staff use it: log in (a wrong password is refused), upload through the real
// form in headless Chromium, read the dry-run report, confirm, run the nightly job, and find the
// figures on the published dashboard behind the login.
func TestServeBrowserUploadToDashboard(t *testing.T) {
	t.Setenv("PANTAU_AS_OF", "2026-11-22")
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32.76")
	pantauIn(t, "rahasia-petugas\n", "-C", dir, "user", "add", "sari", "--peran", "petugas", "--nama", "Sari Petugas", "--password-stdin")
	pantauIn(t, "rahasia-admin1\n", "-C", dir, "user", "add", "admin", "--peran", "admin", "--password-stdin")
	csvPath := filepath.Join(t.TempDir(), "laporan_2025.csv")
	os.WriteFile(csvPath, []byte(uploadA), 0o644)

	base, stop := startServe(t, dir)
	ctx, cancel := browser(t)
	defer cancel()
	id := func(s string) chromedp.ID { return chromedp.ID(s) }
	text := func(s string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(id(s)))
		if err != nil {
			t.Fatalf("text of #%s: %v", s, err)
		}
		return v
	}
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	do(chromedp.Navigate(base+"/unggah"),
		chromedp.WaitVisible(id("username")),
		chromedp.SendKeys(id("username"), "sari"),
		chromedp.SendKeys(id("password"), "salah-sandi"),
		chromedp.Click(id("masuk")),
		chromedp.WaitVisible(id("galat")))
	if galat := text("galat"); galat != "nama pengguna atau kata sandi salah" {
		t.Fatalf("wrong password: page says %q", galat)
	}
	do(chromedp.SendKeys(id("username"), "sari"),
		chromedp.SendKeys(id("password"), "rahasia-petugas"),
		chromedp.Click(id("masuk")),
		chromedp.WaitVisible(id("berkas")), // back on the upload page it asked for
		chromedp.SetUploadFiles(id("berkas"), []string{csvPath}),
		chromedp.Click(id("periksa")),
		chromedp.WaitVisible(id("laporan-uji")))
	if diterima, ditolak := text("baris-diterima"), text("baris-ditolak"); diterima != "3" || ditolak != "1" {
		t.Fatalf("dry run: %s to accept, %s rejected; want 3 and 1", diterima, ditolak)
	}
	// Row 5 of the file (header = 1) is the bad one; its reason names the column and the value.
	if masalah := text("masalah"); !strings.Contains(masalah, "\t5\t") || !strings.Contains(masalah, "Simpanan Pokok") || !strings.Contains(masalah, "dua juta") {
		t.Fatalf("rejection reason: %q", masalah)
	}
	do(chromedp.Click(id("konfirmasi")), chromedp.WaitVisible(id("dimuat")))
	if dimuat := text("dimuat"); !strings.Contains(dimuat, "3 baris diterima, 1 baris dikarantina") {
		t.Fatalf("after confirm: %q", dimuat)
	}
	// Staff may not run jobs: log out with the header form, log in as admin, run the nightly job
	// from the jobs page.
	do(chromedp.Submit(chromedp.CSS("header form")),
		chromedp.WaitVisible(id("username")),
		chromedp.Navigate(base+"/masuk?lanjut=/tugas"),
		chromedp.WaitVisible(id("username")),
		chromedp.SendKeys(id("username"), "admin"),
		chromedp.SendKeys(id("password"), "rahasia-admin1"),
		chromedp.Click(id("masuk")),
		chromedp.WaitVisible(id("jalankan-nightly")),
		chromedp.Click(id("jalankan-nightly")),
		chromedp.WaitVisible(id("flash")))
	for i := 0; ; i++ {
		do(chromedp.Navigate(base + "/tugas"))
		hist := text("riwayat")
		if strings.Contains(hist, "publish: succeeded") {
			break
		}
		if strings.Contains(hist, "failed") || i > 300 {
			t.Fatalf("nightly job did not succeed:\n%s", hist)
		}
		time.Sleep(200 * time.Millisecond)
	}
	do(chromedp.Navigate(base+"/dasbor/"), chromedp.WaitVisible(chromedp.CSS("section.kartu-kartu")))
	cards, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("section.kartu-kartu")))
	if err != nil {
		t.Fatal(err)
	}
	// 3 cooperatives; members 30+20 + 0+80 + 40+10 = 180 (the rejected row's 10 are not counted);
	// modal sendiri = simpanan pokok 1.000.000 + 2.000.000 + 500.000 = Rp 3,5 jt. (The labels are
	// upper-cased by CSS, which innerText reflects.)
	cards = strings.ToLower(strings.Join(strings.Fields(cards), " "))
	if !strings.Contains(cards, "koperasi terdaftar 3 ") || !strings.Contains(cards, "anggota 180 ") || !strings.Contains(cards, "modal sendiri rp 3,5 jt") {
		t.Fatalf("dashboard cards: %q; want 3 cooperatives and 180 members", cards)
	}
	// Graceful stop (the command's context ends as on SIGTERM): DuckDB is checkpointed and closed,
	// so no write-ahead log is left beside the file.
	if out := stop(); !strings.Contains(out, "Berhenti") {
		t.Fatalf("serve output: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "pantau.duckdb.wal")); !os.IsNotExist(err) {
		t.Fatalf("WAL left after shutdown: %v", err)
	}
	// After the server stopped the file is free again: the CLI sees what the browser did.
	if got := sqlRows(t, dir, `select received_by, rows_accepted, rows_quarantined from ops.submissions where status = 'diterima'`); len(got) != 1 || strings.Join(got[0], ",") != "sari,3,1" {
		t.Fatalf("submissions: %v", got)
	}
}

// client is a logged-in HTTP client (cookie jar), for the checks that need no browser.
type client struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func login(t *testing.T, base, user, pass string) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	cl := &client{t: t, base: base, c: &http.Client{Jar: jar, Timeout: time.Minute}}
	body := cl.get("/masuk")
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("login form without csrf: %s", body)
	}
	resp, err := cl.c.PostForm(base+"/masuk", url.Values{"csrf": {m[1]}, "username": {user}, "password": {pass}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Keluar") {
		t.Fatalf("login as %s: %d %s", user, resp.StatusCode, b)
	}
	cl.csrf = csrfRe.FindStringSubmatch(string(b))[1]
	return cl
}

func (cl *client) get(path string) string {
	resp, err := cl.c.Get(cl.base + path)
	if err != nil {
		cl.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (cl *client) post(path string, v url.Values) (int, string) {
	resp, err := cl.c.PostForm(cl.base+path, v)
	if err != nil {
		cl.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (cl *client) upload(name string, content []byte, withCSRF bool) (int, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if withCSRF {
		mw.WriteField("csrf", cl.csrf)
	}
	fw, _ := mw.CreateFormFile("berkas", name)
	fw.Write(content)
	mw.Close()
	resp, err := cl.c.Post(cl.base+"/unggah", mw.FormDataContentType(), &buf)
	if err != nil {
		cl.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var tokenFieldRe = regexp.MustCompile(`name="token" value="([^"]+)"`)

// uploadAndConfirm does the two steps of the form and returns the confirmation's status and page.
func (cl *client) uploadAndConfirm(name, content string) (int, string) {
	code, body := cl.upload(name, []byte(content), true)
	m := tokenFieldRe.FindStringSubmatch(body)
	if code != 200 || m == nil {
		cl.t.Fatalf("dry run of %s: %d %s", name, code, body)
	}
	return cl.post("/unggah/konfirmasi", url.Values{"csrf": {cl.csrf}, "token": {m[1]}})
}

func (cl *client) waitJob(job string, n int) {
	for i := 0; i < 600; i++ {
		hist := cl.get("/tugas")
		if strings.Count(hist, "<td>"+job+"</td><td>manual</td>") >= n && !strings.Contains(hist, `<span class="warn">berjalan</span>`) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	cl.t.Fatalf("job %s did not finish %d times:\n%s", job, n, cl.get("/tugas"))
}

var cardRe = regexp.MustCompile(`<div class="label">(Koperasi terdaftar|Anggota)</div><div class="nilai">([^<]*)</div>`)

// Uploads that arrive while the nightly job holds the warehouse are queued in the inbox, not lost
// and not counted twice; refusals: a missing CSRF token, an oversized upload, a cross-site POST.
func TestServeUploadsDuringNightlyAndRefusals(t *testing.T) {
	t.Setenv("PANTAU_AS_OF", "2026-11-22")
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32.76")
	editConfig(t, dir, "max_upload_mb = 50", "max_upload_mb = 1", "inbox_quiet_seconds = 10", "inbox_quiet_seconds = 0")
	pantauIn(t, "rahasia-admin1\n", "-C", dir, "user", "add", "admin", "--peran", "admin", "--password-stdin")

	// Hold the nightly transform until the test lets it go.
	origStages := pipelineStages
	gate := make(chan struct{})
	entered := make(chan struct{}, 4)
	pipelineStages = func() app.Pipeline {
		p := origStages()
		orig, _ := p.Stage(app.Transform)
		return p.With(app.Transform, func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
			entered <- struct{}{}
			select {
			case <-gate:
			case <-ctx.Done():
				return 0, ctx.Err()
			}
			return orig.Run(ctx, ws)
		})
	}
	defer func() { pipelineStages = origStages }()

	base, stop := startServe(t, dir)
	cl := login(t, base, "admin", "rahasia-admin1")

	// Refused: missing CSRF token (upload, confirm, run job), each 403 with the reason.
	if code, body := cl.upload("a.csv", []byte(uploadA), false); code != http.StatusForbidden || !strings.Contains(body, "CSRF") {
		t.Fatalf("upload without csrf: %d", code)
	}
	if code, _ := cl.post("/tugas/nightly/jalankan", url.Values{}); code != http.StatusForbidden {
		t.Fatalf("run job without csrf: %d", code)
	}
	// Refused: a cross-site form post, even with a token.
	req, _ := http.NewRequest("POST", base+"/tugas/nightly/jalankan", strings.NewReader(url.Values{"csrf": {cl.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, err := cl.c.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site post: %v %v", resp.StatusCode, err)
	}
	// Refused: oversized upload (limit 1 MB), whether Content-Length says so or the stream shows it.
	big := bytes.Repeat([]byte("3276010000000101;KSP Sejahtera;2025\n"), 40000) // 1.4 MB
	if code, body := cl.upload("besar.csv", big, true); code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "maksimal 1 MB") {
		t.Fatalf("oversized upload: %d", code)
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("csrf", cl.csrf)
		fw, _ := mw.CreateFormFile("berkas", "besar.csv")
		fw.Write(big)
		mw.Close()
		pw.Close()
	}()
	resp, err := cl.c.Post(base+"/unggah", mw.FormDataContentType(), pr) // chunked: no Content-Length
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "maksimal 1 MB") {
		t.Fatalf("oversized chunked upload: %d", resp.StatusCode)
	}

	// The push API is mounted: its OpenAPI document is served, and a push without a token is refused.
	if resp, err := http.Get(base + "/api/v1/openapi.json"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("openapi: %v", err)
	}
	if resp, err := http.Post(base+"/api/v1/laporan", "application/json", strings.NewReader(`{"laporan":[]}`)); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("push without token: %v %v", resp.StatusCode, err)
	}

	// File A loads at once (no job running). Confirming the same staged upload again (a double click)
	// is refused: nothing is loaded twice.
	code, body := cl.upload("a.csv", []byte(uploadA), true)
	tok := tokenFieldRe.FindStringSubmatch(body)
	if code != 200 || tok == nil {
		t.Fatalf("dry run of A: %d", code)
	}
	if code, body := cl.post("/unggah/konfirmasi", url.Values{"csrf": {cl.csrf}, "token": {tok[1]}}); code != 200 || !strings.Contains(body, "3</b> baris diterima") {
		t.Fatalf("upload A: %d %s", code, body)
	}
	if code, body := cl.post("/unggah/konfirmasi", url.Values{"csrf": {cl.csrf}, "token": {tok[1]}}); code == 200 || !strings.Contains(body, "tidak ditemukan") {
		t.Fatalf("second confirmation of A: %d %s", code, body)
	}
	// Start the nightly job; it stops inside transform, holding the writer lock.
	if code, _ := cl.post("/tugas/nightly/jalankan", url.Values{"csrf": {cl.csrf}}); code != 200 {
		t.Fatalf("run nightly: %d", code)
	}
	<-entered
	// While it runs: file B twice (a person double-clicking, or two staff with the same file), and A again.
	for i := 0; i < 2; i++ {
		code, body := cl.uploadAndConfirm("b.csv", uploadB)
		if code != http.StatusAccepted || !strings.Contains(body, `id="antre"`) {
			t.Fatalf("upload B #%d during nightly: %d %s", i+1, code, body)
		}
	}
	if code, body := cl.upload("a-lagi.csv", []byte(uploadA), true); code != 200 || !strings.Contains(body, "sudah diterima sebagai kiriman #1") {
		t.Fatalf("re-upload of A: %d %s", code, body)
	}
	inbox, _ := os.ReadDir(filepath.Join(dir, "inbox"))
	if len(inbox) != 2 {
		t.Fatalf("inbox holds %d files, want the 2 queued uploads", len(inbox))
	}
	close(gate)
	cl.waitJob("nightly", 1)
	// The queued files are loaded by the inbox job (one as new, one as a duplicate), then the
	// nightly job publishes: 3 + 2 cooperatives, not 3 + 2 + 2.
	if code, _ := cl.post("/tugas/inbox/jalankan", url.Values{"csrf": {cl.csrf}}); code != 200 {
		t.Fatal(code)
	}
	cl.waitJob("inbox", 1)
	if code, _ := cl.post("/tugas/nightly/jalankan", url.Values{"csrf": {cl.csrf}}); code != 200 {
		t.Fatal(code)
	}
	cl.waitJob("nightly", 2)
	// 3 + 2 cooperatives; members 180 + (10+10) + (12+30) = 242.
	if got := fmt.Sprint(cardRe.FindAllStringSubmatch(cl.get("/dasbor/"), -1)); !strings.Contains(got, "Koperasi terdaftar 5]") || !strings.Contains(got, "Anggota 242]") {
		t.Fatalf("dashboard cards %s, want 5 cooperatives and 242 members", got)
	}
	if !strings.Contains(cl.get("/metrics"), `pantau_job_runs_total{job="nightly",status="succeeded"} 2`) {
		t.Fatal("metrics lack the two nightly runs")
	}
	stop()
	inbox, _ = os.ReadDir(filepath.Join(dir, "inbox"))
	if len(inbox) != 0 {
		t.Fatalf("inbox not emptied: %v", inbox)
	}
	got := sqlRows(t, dir, `select source, count(*), sum(rows_accepted) from ops.submissions where status = 'diterima' group by source order by source`)
	if fmt.Sprint(got) != "[[inbox 1 2] [upload 1 3]]" {
		t.Fatalf("submissions by source: %v", got)
	}
	if got := sqlRows(t, dir, `select count(*) from raw.laporan`); got[0][0] != "5" {
		t.Fatalf("raw.laporan rows %s, want 5", got[0][0])
	}
	arch, _ := filepath.Glob(filepath.Join(dir, "archive", "*", "*", "*"))
	if len(arch) != 2 {
		t.Fatalf("archive: %v", arch)
	}
}
