package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/pantau-koperasi/pantau/app/web"
)

// cspWatch is a browser tab that records every Content-Security-Policy violation the pages report
// (securitypolicyviolation events, collected from the moment each document starts) and every
// console error or error log entry (Chromium logs a refused script or style there too).
type cspWatch struct {
	t        *testing.T
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

const collectViolations = `window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
	window.__csp.push(e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)') + ' in ' + e.sourceFile + ':' + e.lineNumber + ' ' + (e.sample || ''));
});`

func newCSPWatch(t *testing.T) *cspWatch {
	ctx, cancel := browser(t)
	t.Cleanup(cancel)
	w := &cspWatch{t: t, ctx: ctx}
	if err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				w.problem("console.error: %s", strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			w.problem("exception: %s", e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError && !strings.HasSuffix(e.Entry.URL, "/favicon.ico") {
				w.problem("log error (%s): %s %s", e.Entry.Source, e.Entry.Text, e.Entry.URL)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []func() error{
		func() error { _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); return err },
		func() error { _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); return err },
		func() error {
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: collectViolations})
			return err
		},
	} {
		if err := f(); err != nil {
			t.Fatalf("preparing chromium: %v", err)
		}
	}
	return w
}

func (w *cspWatch) problem(f string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.problems = append(w.problems, fmt.Sprintf(f, args...))
}

func (w *cspWatch) drain() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.problems
	w.problems = nil
	return p
}

func (w *cspWatch) do(steps ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	if err := chromedp.Do(w.ctx, steps...); err != nil {
		w.t.Fatal(err)
	}
}

func (w *cspWatch) eval(js string, v any) {
	w.t.Helper()
	s, err := chromedp.Run(w.ctx, chromedp.Evaluate[string](`JSON.stringify(`+js+`)`))
	if err != nil {
		w.t.Fatalf("evaluate %s: %v", js, err)
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		w.t.Fatalf("evaluate %s: %s: %v", js, s, err)
	}
}

func (w *cspWatch) login(base, user, pass string) {
	w.t.Helper()
	w.do(chromedp.Navigate(base+"/masuk"), chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), user), chromedp.SendKeys(chromedp.ID("password"), pass),
		chromedp.Click(chromedp.ID("masuk")), chromedp.WaitVisible(chromedp.CSS("header form")))
}

// violations are the policy violations the current page reported and the errors seen, since the last call.
func (w *cspWatch) violations() []string {
	w.t.Helper()
	var csp []string
	w.eval(`window.__csp ? window.__csp.splice(0) : ['the collector did not run']`, &csp)
	return append(csp, w.drain()...)
}

// inkJS counts, per chart of the page, the canvas samples that are not blank.
const cspInkJS = `[...document.querySelectorAll('.grafik')].filter(g => g.offsetParent !== null).map(g => {
	const c = g.querySelector('canvas');
	if (!c || !c.width || !c.height) return 0;
	const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
	let ink = 0;
	for (let i = 0; i < d.length; i += 16) if (d[i + 3] > 0 && (d[i] < 230 || d[i + 1] < 230 || d[i + 2] < 230)) ink++;
	return ink;
})`

// The published dashboards through the real `pantau serve`, under its Content-Security-Policy
// (script-src 'self'; style-src 'self', no inline anything): every page draws its charts in the
// office colour, a chart's tooltip opens, a profile shows its follow-up cases, and Chromium reports
// no violation. The server's own pages load their stylesheet and the upload page's script from
// files. Staff (petugas) are refused the follow-up page and see a profile without its cases.
func TestServeDashboardsUnderCSP(t *testing.T) {
	t.Setenv("PANTAU_AS_OF", "2026-11-22")
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32")
	editConfig(t, dir, `warna_utama = "#0f5c8c"`, `warna_utama = "#7b1fa2"`)
	mustPantau(t, "-C", dir, "demo", "--koperasi", "150", "--seed", "7")
	pantauIn(t, "rahasia-admin1\n", "-C", dir, "user", "add", "admin", "--peran", "admin", "--password-stdin")
	pantauIn(t, "rahasia-petugas\n", "-C", dir, "user", "add", "sari", "--peran", "petugas", "--password-stdin")
	// A cooperative with a follow-up case, yearly reports and a health grade: its profile draws charts.
	caseNIK := sqlRows(t, dir, `select nik from mart.tindak_lanjut where nik in (select nik from mart.laporan)
		and nik in (select nik from mart.kesehatan) order by nik limit 1`)[0][0]
	kab := sqlRows(t, dir, `select kode_kabupaten_kota from mart.koperasi where kode_kabupaten_kota is not null group by 1 order by count(*) desc, 1 limit 1`)[0][0]
	base, _ := startServe(t, dir)

	// The policy is on the dashboards' responses as on every other.
	resp, err := http.Get(base + "/dasbor/index.html")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Content-Security-Policy"); got != web.ContentSecurityPolicy {
		t.Fatalf("CSP on /dasbor (before login): %q", got)
	}

	w := newCSPWatch(t)
	w.login(base, "admin", "rahasia-admin1")
	var header string
	w.eval(`getComputedStyle(document.querySelector('header')).backgroundColor`, &header)
	if header != "rgb(123, 31, 162)" {
		t.Errorf("server page header %q: the stylesheet (with the office colour) did not apply", header)
	}
	if v := w.violations(); len(v) > 0 {
		t.Errorf("home page: %q", v)
	}
	pages := []struct {
		file      string
		minCharts int
	}{
		{"index.html", 5}, {"wilayah.html", 1}, {"wilayah.html#" + kab, 2}, {"kesehatan.html", 5}, {"keaktifan.html", 5}, {"kelengkapan.html", 4},
		{"kualitas.html", 4}, {"tindak-lanjut.html", 5}, {"direktori.html", 0}, {"koperasi.html#" + caseNIK, 3},
	}
	for _, p := range pages {
		w.do(chromedp.Navigate("about:blank"), chromedp.Navigate(base+"/dasbor/"+p.file))
		if _, err := chromedp.Run(w.ctx, chromedp.Poll[bool](`document.documentElement.hasAttribute('data-siap')`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			t.Fatalf("%s never ready: %v %q", p.file, err, w.violations())
		}
		var ink []int
		w.eval(cspInkJS, &ink)
		if len(ink) < p.minCharts {
			t.Errorf("%s: %d charts, want at least %d", p.file, len(ink), p.minCharts)
		}
		for i, n := range ink {
			if n < 150 {
				t.Errorf("%s: chart %d looks blank (%d inked samples)", p.file, i, n)
			}
		}
		var look struct {
			Warna, Header string
			Heights       []string
		}
		w.eval(`({Warna: getComputedStyle(document.documentElement).getPropertyValue('--warna').trim(),
			Header: getComputedStyle(document.querySelector('header.atas')).backgroundColor,
			Heights: [...document.querySelectorAll('.grafik[data-tinggi]')].map(g => g.getAttribute('data-tinggi') + '/' + g.style.height)})`, &look)
		if look.Warna != "#7b1fa2" || look.Header != "rgb(123, 31, 162)" {
			t.Errorf("%s: office colour %q, header %q", p.file, look.Warna, look.Header)
		}
		for _, h := range look.Heights {
			if a, b, _ := strings.Cut(h, "/"); b != a+"px" {
				t.Errorf("%s: chart height %s not applied", p.file, h)
			}
		}
		if len(ink) > 0 {
			// A tooltip, built by pantau.js as elements, with a coloured marker.
			var tip string
			w.eval(`(() => { const c = [...document.querySelectorAll('.grafik')].map(g => echarts.getInstanceByDom(g)).find(Boolean);
				c.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0});
				const t = [...c.getDom().querySelectorAll('div')].find(d => d.querySelector('.tooltip'));
				return t ? t.textContent + (t.querySelector('.penanda, b') ? ' ✓' : '') : 'no tooltip'; })()`, &tip)
			if !strings.HasSuffix(tip, "✓") {
				t.Errorf("%s: tooltip %q", p.file, tip)
			}
		}
		if v := w.violations(); len(v) > 0 {
			t.Errorf("%s: %q", p.file, v)
		}
	}
	// The watch sees what it is meant to: an inline style attribute, set here on purpose, is refused
	// by the policy and reported.
	w.eval(`(() => { document.body.setAttribute('style', 'outline: 1px solid red'); return true; })()`, new(bool))
	if _, err := chromedp.Run(w.ctx, chromedp.Poll[bool](`window.__csp.length > 0`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("a deliberate inline style was not reported: %v", err)
	}
	// Both channels see it: the page's securitypolicyviolation event and Chromium's security log.
	if v := w.violations(); len(v) != 2 || !strings.HasPrefix(v[0], "style-src-attr blocked inline") ||
		!strings.HasPrefix(v[1], "log error (security): Applying inline style violates the following Content Security Policy directive") {
		t.Fatalf("after the deliberate violation: %q, want it reported twice", v)
	}
	var cases []string
	w.eval(`[...document.querySelectorAll('#kop-kasus tbody tr')].map(r => r.textContent)`, &cases)
	if len(cases) == 0 {
		t.Errorf("the profile of %s shows no follow-up case to an admin", caseNIK)
	}

	// The upload page's drop zone runs from /statis/unggah.js: choosing a file names it.
	csvPath := filepath.Join(t.TempDir(), "laporan.csv")
	if err := os.WriteFile(csvPath, []byte(uploadB), 0o644); err != nil {
		t.Fatal(err)
	}
	w.do(chromedp.Navigate(base+"/"), chromedp.Submit(chromedp.CSS("header form")), chromedp.WaitVisible(chromedp.ID("username")))
	w.login(base, "sari", "rahasia-petugas")
	w.do(chromedp.Navigate(base+"/unggah"), chromedp.WaitVisible(chromedp.ID("berkas")),
		chromedp.SetUploadFiles(chromedp.ID("berkas"), []string{csvPath}))
	if _, err := chromedp.Run(w.ctx, chromedp.Poll[bool](`document.getElementById('nama-berkas').textContent === 'Dipilih: laporan.csv'`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("the drop zone script did not run: %v", err)
	}
	if v := w.violations(); len(v) > 0 {
		t.Errorf("upload page: %q", v)
	}
	// Staff: the follow-up page is refused; a profile says its cases cannot be shown.
	resp2, err := chromedp.Run(w.ctx, chromedp.NavigateResponse(base+"/dasbor/tindak-lanjut.html"))
	if err != nil || resp2.Status != http.StatusForbidden {
		t.Errorf("petugas on the follow-up page: %v %v", resp2, err)
	}
	w.do(chromedp.Navigate("about:blank"), chromedp.Navigate(base+"/dasbor/koperasi.html#"+caseNIK))
	if _, err := chromedp.Run(w.ctx, chromedp.Poll[bool](`document.documentElement.hasAttribute('data-siap')`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("profile for petugas never ready: %v", err)
	}
	var msg string
	w.eval(`(document.getElementById('kop-kasus-kosong') || {}).textContent || document.querySelectorAll('#kop-kasus tbody tr').length + ' cases shown'`, &msg)
	if !strings.HasPrefix(msg, "Kasus tindak lanjut tidak dapat ditampilkan") {
		t.Errorf("petugas's profile of %s: %q", caseNIK, msg)
	}
	w.drain() // the refused data/kasus file is logged as a failed load; nothing else is expected
	var csp []string
	w.eval(`window.__csp`, &csp)
	if len(csp) > 0 {
		t.Errorf("petugas's profile: %q", csp)
	}
}
