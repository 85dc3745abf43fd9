package dashboards_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/pantau-koperasi/pantau/dashboards"
	"github.com/xuri/excelize/v2"
)

// The browser test: headless Chromium opens every page of the demo's build from file:// with every
// request to another host blocked, and checks what a user would see: no console error, no failed
// request, every chart drawn (its canvas has ink), deep links open a region and a cooperative, and
// the evil name shows as text. Screenshots go to testout/dashboards/.

func chromiumPath() string {
	for _, c := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	return ""
}

type browser struct {
	t        testing.TB
	ctx      context.Context
	mu       sync.Mutex
	problems []string
	blocked  []string
}

func newBrowser(t testing.TB) *browser {
	path := chromiumPath()
	if path == "" {
		if testing.Short() {
			t.Skip("chromium not installed (make browser-deps)")
		}
		t.Fatal("chromium is not installed: run `make browser-deps` (Debian package chromium)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("allow-file-access-from-files", false),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1360, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	b := &browser{t: t, ctx: ctx}
	// The listener must return fast and may not send commands: paused requests go to a goroutine.
	paused := make(chan *fetch.EventRequestPaused, 256)
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				b.problem("console.%s: %s", e.Type, strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			b.problem("exception: %s (%s:%d)", msg, d.URL, d.LineNumber)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				b.problem("log error: %s %s", e.Entry.Text, e.Entry.URL)
			}
		case *network.EventLoadingFailed:
			b.problem("failed request (%s): %s %s", e.Type, e.ErrorText, e.BlockedReason)
		case *fetch.EventRequestPaused:
			select {
			case paused <- e:
			default:
				b.problem("too many paused requests")
			}
		}
	})
	if err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-paused:
				url := e.Request.URL
				if strings.HasPrefix(url, "file://") || strings.HasPrefix(url, "data:") || strings.HasPrefix(url, "blob:") {
					_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
					continue
				}
				b.mu.Lock()
				b.blocked = append(b.blocked, url)
				b.mu.Unlock()
				_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: e.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
			}
		}
	}()
	steps := []func() error{
		func() error { _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); return err },
		func() error { _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); return err },
		func() error { _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); return err },
		func() error {
			_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}})
			return err
		},
		func() error {
			_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: `window.alert = function () { window.__alert = (window.__alert || 0) + 1; };`})
			return err
		},
	}
	for _, f := range steps {
		if err := f(); err != nil {
			t.Fatalf("preparing chromium: %v", err)
		}
	}
	return b
}

func (b *browser) problem(f string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, fmt.Sprintf(f, args...))
}

// drain returns and clears the problems seen so far.
func (b *browser) drain() ([]string, []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, bl := b.problems, b.blocked
	b.problems, b.blocked = nil, nil
	return p, bl
}

type chartInk struct {
	ID  string `json:"id"`
	Ink int    `json:"ink"`
}

const inkJS = `(() => {
	const out = [];
	document.querySelectorAll('.grafik').forEach(g => {
		if (g.offsetParent === null) return;
		const id = g.getAttribute('data-grafik') || g.id || g.parentElement.querySelector('h2')?.textContent || '?';
		const c = g.querySelector('canvas');
		if (!c) { out.push({id, ink: -1}); return; }
		const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		let ink = 0;
		for (let i = 0; i < d.length; i += 16) {
			if (d[i + 3] > 0 && (d[i] < 230 || d[i + 1] < 230 || d[i + 2] < 230)) ink++;
		}
		out.push({id, ink});
	});
	return out;
})()`

// open loads a page, waits until pantau.js says it is ready, checks it and saves a screenshot.
// It returns the number of charts drawn.
func (b *browser) open(dir, file, hash, shot string) int {
	t := b.t
	t.Helper()
	url := "file://" + filepath.ToSlash(filepath.Join(dir, file)) + hash
	if err := chromedp.Do(b.ctx, chromedp.Navigate("about:blank"), chromedp.Navigate(url)); err != nil {
		t.Fatalf("%s%s: %v", file, hash, err)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.documentElement.hasAttribute('data-siap')`, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		p, _ := b.drain()
		t.Fatalf("%s%s: page never ready: %v %v", file, hash, err, p)
	}
	_ = chromedp.Do(b.ctx, chromedp.Sleep(150*time.Millisecond))
	var charts []chartInk
	var alerts int
	b.eval(inkJS, &charts)
	b.eval(`window.__alert || 0`, &alerts)
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("%s%s: screenshot: %v", file, hash, err)
	}
	out := filepath.Join("..", "testout", "dashboards")
	os.MkdirAll(out, 0o755)
	if err := os.WriteFile(filepath.Join(out, shot+".png"), png, 0o644); err != nil {
		t.Error(err)
	}
	problems, blocked := b.drain()
	for _, p := range problems {
		t.Errorf("%s%s: %s", file, hash, p)
	}
	for _, u := range blocked {
		t.Errorf("%s%s asked another host: %s", file, hash, u)
	}
	if alerts != 0 {
		t.Errorf("%s%s: a script from the data ran (alert called %d times)", file, hash, alerts)
	}
	for _, c := range charts {
		if c.Ink < 150 {
			t.Errorf("%s%s: chart %q looks blank (%d inked samples)", file, hash, c.ID, c.Ink)
		}
	}
	return len(charts)
}

// legendJS reports, for every chart of the page, its legend (kind, items, box) and the plot area,
// and the category labels the axis cuts short.
const legendJS = `[...document.querySelectorAll('.grafik')].map(g => [g, echarts.getInstanceByDom(g)]).filter(x => x[1]).map(([g, c]) => {
	const o = c.getOption(), lg = (o.legend || [])[0], ser = o.series || [];
	const pie = ser.some(s => s.type === 'pie' || s.type === 'funnel');
	const items = pie ? (ser[0].data || []).length : ser.filter(s => s.name).length;
	const v = (c._componentsViews || []).find(v => v.type && v.type.startsWith('legend'));
	let box = null;
	if (v && v.group) { const r = v.group.getBoundingRect(); box = {x: r.x + v.group.x, y: r.y + v.group.y, w: r.width, h: r.height}; }
	const grid = pie ? null : c.getModel().getComponent('grid');
	const plotTop = grid && grid.coordinateSystem ? grid.coordinateSystem.getRect().y : null;
	const cut = [].concat(o.xAxis || [], o.yAxis || []).filter(a => a.type === 'category' && a.axisLabel && a.axisLabel.overflow === 'truncate' && a.axisLabel.rotate);
	const clipped = c.getZr().storage.getDisplayList(true).filter(e => (e.type === 'text' || e.type === 'tspan') && e.style && e.style.text && !e.invisible).map(e => {
		const r = e.getBoundingRect().clone(); const m = e.getComputedTransform(); if (m) r.applyTransform(m);
		return {t: String(e.style.text), x0: r.x, x1: r.x + r.width};
	}).filter(r => r.x0 < -1 || r.x1 > c.getWidth() + 1).map(r => r.t + ' (' + Math.round(r.x0) + '–' + Math.round(r.x1) + ' px)');
	return {id: g.getAttribute('data-grafik') || g.parentElement.querySelector('h2')?.textContent || '?', shown: !!(lg && lg.show !== false),
		type: lg ? lg.type : '', items, box, plotTop, width: c.getWidth(), cut: cut.length, clipped};
})`

// checkLegendsAndLabels: a legend of up to six items is shown whole (no pager), inside the chart
// and above the plot; rotated category labels are not cut short.
func (b *browser) checkLegendsAndLabels(file string) {
	b.t.Helper()
	var cs []struct {
		ID      string `json:"id"`
		Shown   bool   `json:"shown"`
		Type    string `json:"type"`
		Items   int    `json:"items"`
		Box     *struct{ X, Y, W, H float64 }
		PlotTop *float64 `json:"plotTop"`
		Width   float64  `json:"width"`
		Cut     int      `json:"cut"`
		Clipped []string `json:"clipped"`
	}
	b.eval(legendJS, &cs)
	for _, c := range cs {
		if len(c.Clipped) > 0 {
			b.t.Errorf("%s: chart %q draws text outside its box: %q", file, c.ID, c.Clipped)
		}
		if c.Cut > 0 {
			b.t.Errorf("%s: chart %q cuts its rotated axis labels short", file, c.ID)
		}
		if !c.Shown || c.Items > 6 {
			continue
		}
		if c.Type == "scroll" {
			b.t.Errorf("%s: chart %q pages a legend of %d items", file, c.ID, c.Items)
		}
		if c.Box == nil {
			b.t.Errorf("%s: chart %q: legend not drawn", file, c.ID)
			continue
		}
		if c.Box.X < 0 || c.Box.X+c.Box.W > c.Width+1 {
			b.t.Errorf("%s: chart %q: legend %.0f–%.0f px runs out of the chart (%.0f px wide)", file, c.ID, c.Box.X, c.Box.X+c.Box.W, c.Width)
		}
		if c.PlotTop != nil && c.Box.Y+c.Box.H > *c.PlotTop+1 {
			b.t.Errorf("%s: chart %q: legend (bottom %.0f px) overlaps the plot (top %.0f px)", file, c.ID, c.Box.Y+c.Box.H, *c.PlotTop)
		}
	}
}

func (b *browser) eval(js string, v any) {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`JSON.stringify(`+js+`)`))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		b.t.Fatalf("evaluate %s: %s: %v", js, s, err)
	}
}

func TestBrowserDemoPages(t *testing.T) {
	ws := demoWorkspace(t)
	b := newBrowser(t)
	dir := publish(t, ws, false)
	db := ws.WH.DB()
	var kab, kabNama string
	var kabN int
	if err := db.QueryRow(`SELECT kode_kabupaten_kota, any_value(kabupaten_kota), count(*) FROM mart.koperasi WHERE kode_kabupaten_kota IS NOT NULL
		GROUP BY 1 ORDER BY 3 DESC LIMIT 1`).Scan(&kab, &kabNama, &kabN); err != nil {
		t.Fatal(err)
	}
	var healthy string
	if err := db.QueryRow(`SELECT nik FROM mart.kesehatan WHERE nik <> ? ORDER BY tahun_buku DESC, nik LIMIT 1`, demoNIK).Scan(&healthy); err != nil {
		t.Fatal(err)
	}

	pages := []struct {
		file, hash, shot string
		minCharts        int
	}{
		{"index.html", "", "01-ringkasan", 5},
		{"wilayah.html", "", "02-wilayah", 1},
		{"kesehatan.html", "", "03-kesehatan", 5},
		{"keaktifan.html", "", "04-keaktifan", 5},
		{"kelengkapan.html", "", "05-kelengkapan", 4},
		{"kualitas.html", "", "06-kualitas", 4},
		{"tindak-lanjut.html", "", "07-tindak-lanjut", 5},
		{"direktori.html", "", "08-direktori", 0},
		{"koperasi.html", "#" + healthy, "09-koperasi", 3},
	}
	for _, p := range pages {
		n := b.open(dir, p.file, p.hash, p.shot)
		if n < p.minCharts || n > 10 {
			t.Errorf("%s: %d charts drawn, want %d–10", p.file, n, p.minCharts)
		}
		b.checkLegendsAndLabels(p.file)
		var over []string
		b.eval(`[...document.querySelectorAll('.kartu .nilai, .kartu .label')].filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)`, &over)
		if len(over) > 0 {
			t.Errorf("%s: card text runs out of its card: %q", p.file, over)
		}
	}

	// A KSP scored by three rubrics: the headline is ksp-2016's (the rubric that applies to simpan
	// pinjam) and says so; each rubric has its own worksheet and its own line in the history.
	var ksp, kat, grade string
	var tahun int
	var skor float64
	if err := db.QueryRow(`SELECT s.nik, s.tahun_buku, s.kategori, s.grade, s.skor FROM mart.kesehatan s
		JOIN mart.koperasi k ON k.nik = s.nik AND k.jenis = 'simpan_pinjam'
		JOIN mart.kesehatan p ON p.nik = s.nik AND p.tahun_buku = s.tahun_buku AND p.rubrik = 'kkpkk-2021' AND p.kategori <> s.kategori
		JOIN mart.kesehatan u ON u.nik = s.nik AND u.tahun_buku = s.tahun_buku AND u.rubrik = 'umum-2026'
		WHERE s.rubrik = 'ksp-2016' AND s.nik <> ? AND s.tahun_buku = (SELECT max(tahun_buku) FROM mart.kesehatan WHERE nik = s.nik)
		ORDER BY s.nik LIMIT 1`, demoNIK).Scan(&ksp, &tahun, &kat, &grade, &skor); err != nil {
		t.Fatalf("a KSP with three rubrics: %v", err)
	}
	b.open(dir, "koperasi.html", "#"+ksp, "09-koperasi-ksp-tiga-rubrik")
	var prof struct {
		Badge, Rubrik string
		Judul         []string
		Seri, Tahun   []string
		Lembar        map[string][][]string
	}
	b.eval(`({Badge: document.querySelectorAll('.kop-kepala .lencana')[1].textContent,
		Rubrik: document.getElementById('kop-rubrik-utama').textContent,
		Judul: [...document.querySelectorAll('#koperasi h2')].map(h => h.textContent).filter(h => h.startsWith('Lembar kerja')),
		Seri: (() => { const h = [...document.querySelectorAll('#koperasi h2')].find(h => h.textContent === 'Riwayat skor kesehatan');
			const o = echarts.getInstanceByDom(h.closest('article').querySelector('.grafik')).getOption(); return o.series.map(s => s.name); })(),
		Tahun: (() => { const h = [...document.querySelectorAll('#koperasi h2')].find(h => h.textContent === 'Riwayat skor kesehatan');
			return echarts.getInstanceByDom(h.closest('article').querySelector('.grafik')).getOption().xAxis[0].data.map(String); })(),
		Lembar: Object.fromEntries([...document.querySelectorAll('table.lembar-kerja')].map(t => [t.dataset.rubrik,
			[...t.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(td => td.textContent))]))})`, &prof)
	wantBadge := "Kesehatan: " + kat + " (" + grade + ")"
	if prof.Badge != wantBadge || prof.Rubrik != fmt.Sprintf("menurut rubrik ksp-2016, tahun buku %d", tahun) {
		t.Errorf("koperasi.html#%s: headline %q %q, want %q by ksp-2016, tahun buku %d", ksp, prof.Badge, prof.Rubrik, wantBadge, tahun)
	}
	wantJudul := []string{"Lembar kerja penilaian · rubrik ksp-2016", "Lembar kerja penilaian · rubrik umum-2026", "Lembar kerja penilaian · rubrik kkpkk-2021 (sementara)"}
	if strings.Join(prof.Judul, "|") != strings.Join(wantJudul, "|") {
		t.Errorf("koperasi.html#%s: worksheets %q, want %q", ksp, prof.Judul, wantJudul)
	}
	if strings.Join(prof.Seri, "|") != "ksp-2016|umum-2026|kkpkk-2021 (sementara)" {
		t.Errorf("koperasi.html#%s: history series %q, want one per rubric", ksp, prof.Seri)
	}
	var wantTahun []string
	yr, _ := db.Query(`SELECT DISTINCT tahun_buku::VARCHAR FROM mart.kesehatan WHERE nik = ? ORDER BY 1`, ksp)
	for yr.Next() {
		var y string
		yr.Scan(&y)
		wantTahun = append(wantTahun, y)
	}
	yr.Close()
	if strings.Join(prof.Tahun, "|") != strings.Join(wantTahun, "|") {
		t.Errorf("koperasi.html#%s: history x axis %q, want the tahun buku %q", ksp, prof.Tahun, wantTahun)
	}
	decimalPoint := regexp.MustCompile(`\d\.\d{1,2}(\D|$)|\d\.\d{4,}`)
	for _, ru := range []string{"ksp-2016", "umum-2026", "kkpkk-2021"} {
		var want []string
		ir, _ := db.Query(`SELECT nama_aspek || ' / ' || nama_indikator FROM mart.kesehatan_indikator i WHERE nik = ? AND rubrik = ?
			AND tahun_buku = (SELECT max(tahun_buku) FROM mart.kesehatan WHERE nik = i.nik AND rubrik = i.rubrik) ORDER BY urutan`, ksp, ru)
		for ir.Next() {
			var s string
			ir.Scan(&s)
			want = append(want, s)
		}
		ir.Close()
		var got []string
		for _, r := range prof.Lembar[ru] {
			got = append(got, r[0]+" / "+r[1])
			for _, c := range r[2:] {
				if decimalPoint.MatchString(c) {
					t.Errorf("koperasi.html#%s: worksheet %s shows %q with a decimal point", ksp, ru, c)
				}
			}
		}
		if len(want) == 0 || strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("koperasi.html#%s: worksheet %s lists\n %q\nwant\n %q", ksp, ru, got, want)
		}
	}
	var skorSel string
	b.eval(`[...[...document.querySelectorAll('#koperasi h2')].find(h => h.textContent === 'Riwayat skor kesehatan').closest('article').querySelectorAll('tbody tr')]
		.map(tr => [...tr.children].map(td => td.textContent)).find(r => r[0] === '`+fmt.Sprint(tahun)+`' && r[1] === 'ksp-2016')[2]`, &skorSel)
	if want := strings.Replace(strconv.FormatFloat(skor, 'f', 2, 64), ".", ",", 1); skorSel != want {
		t.Errorf("koperasi.html#%s: ksp-2016 score %q, want %q", ksp, skorSel, want)
	}
	// The directory shows the same headline for it.
	b.open(dir, "direktori.html", "#q="+ksp, "08-direktori-ksp")
	var dirKes string
	b.eval(`document.querySelector('#dir-tabel tbody td:nth-child(8) .lencana').textContent`, &dirKes)
	if dirKes != kat+" ("+grade+")" {
		t.Errorf("direktori.html#q=%s: health %q, want %q", ksp, dirKes, kat+" ("+grade+")")
	}

	// Indonesian numbers in the page's formatter and on a Rupiah axis.
	b.open(dir, "index.html", "", "01-ringkasan")
	var got []string
	b.eval(`[Pantau.angka(1234567.891, 2), Pantau.rp(1250000), Pantau.rp(-1500000), Pantau.format('rp', 2500000, true), Pantau.format('rp', 1.5e9, true),
		echarts.getInstanceByDom(document.querySelector('[data-grafik="tren-uang"]')).getOption().yAxis[0].axisLabel.formatter(3e12)]`, &got)
	want := []string{"1.234.567,89", "Rp 1.250.000", "-Rp 1.500.000", "Rp 2,5 jt", "Rp 1,5 M", "Rp 3 T"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("number formats %q, want %q", got, want)
	}

	// Deep link to a region: the kecamatan drill-down of that kab/kota opens.
	b.open(dir, "wilayah.html", "#"+kab, "02-wilayah-kecamatan")
	var title string
	var hidden bool
	b.eval(`document.getElementById('kec-judul').textContent`, &title)
	b.eval(`document.getElementById('kecamatan').hidden`, &hidden)
	if hidden || title != "Kecamatan di "+kabNama {
		t.Errorf("wilayah.html#%s: drill-down hidden=%v title %q, want %q", kab, hidden, title, "Kecamatan di "+kabNama)
	}
	var kecRows int
	b.eval(`document.querySelectorAll('#kec-tabel tbody tr').length`, &kecRows)
	var wantKec int
	db.QueryRow(`SELECT count(DISTINCT coalesce(kode_kecamatan, '')) FROM mart.koperasi WHERE kode_kabupaten_kota = ?`, kab).Scan(&wantKec)
	if kecRows != wantKec {
		t.Errorf("drill-down of %s lists %d kecamatan, the register has %d", kab, kecRows, wantKec)
	}

	// Deep link to a region of the directory: only that region's cooperatives.
	b.open(dir, "direktori.html", "#w="+kab, "08-direktori-wilayah")
	var info string
	b.eval(`document.getElementById('dir-info').textContent`, &info)
	if !strings.HasPrefix(info, fmt.Sprintf("%d koperasi", kabN)) {
		t.Errorf("direktori.html#w=%s says %q, want %d koperasi", kab, info, kabN)
	}
	// Searching for the evil name finds it, shown as text.
	b.open(dir, "direktori.html", "#q=alert", "08-direktori-cari")
	var names []string
	b.eval(`[...document.querySelectorAll('#dir-tabel tbody td:nth-child(2) a')].map(a => a.textContent)`, &names)
	if len(names) != 1 || names[0] != evilName {
		t.Errorf("search for 'alert' shows %q, want the one evil name as text", names)
	}
	// The evil cooperative's own page shows its name as text.
	b.open(dir, "koperasi.html", "#"+demoNIK, "09-koperasi-nama-aneh")
	var h1 string
	var bold int
	b.eval(`document.querySelector('h1').textContent`, &h1)
	b.eval(`[...document.querySelectorAll('main b')].filter(x => x.textContent === 'Maju').length`, &bold)
	if h1 != evilName || bold != 0 {
		t.Errorf("profile title %q (bold Maju elements %d), want the name as text", h1, bold)
	}
	// The profile's tables download as XLSX made in the page: a real workbook, numbers as numbers,
	// text as text (a value that looks like a formula stays text).
	var b64 string
	b.eval(`(() => { const b = Pantau.xlsxBytes([{Label: 'Tahun buku'}, {Label: 'Nama'}, {Label: 'Modal (Rp)'}],
		[[2025, '<b>x</b> & "y" 🌾', 1234567.5], [2024, '=1+1', null]]); let s = ''; for (const x of b) s += String.fromCharCode(x); return btoa(s); })()`, &b64)
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	xf, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the page's XLSX does not open: %v", err)
	}
	xrows, _ := xf.GetRows("Data")
	wantRows := [][]string{{"Tahun buku", "Nama", "Modal (Rp)"}, {"2025", `<b>x</b> & "y" 🌾`, "1234567.5"}, {"2024", "=1+1"}}
	if fmt.Sprint(xrows) != fmt.Sprint(wantRows) {
		t.Errorf("page XLSX rows %q, want %q", xrows, wantRows)
	}
	if f, _ := xf.GetCellFormula("Data", "B3"); f != "" {
		t.Errorf("a text cell became the formula %q", f)
	}
	if typ, _ := xf.GetCellType("Data", "C2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("C2 type %v, want a number", typ)
	}
	xf.Close()

	// An unknown NIK says so.
	b.open(dir, "koperasi.html", "#0000000000000000", "09-koperasi-tidak-ada")
	var msg string
	b.eval(`document.getElementById('kop-info').textContent`, &msg)
	if !strings.Contains(msg, "tidak ditemukan") {
		t.Errorf("unknown NIK: %q", msg)
	}

	// The public build: directory and aggregates only; the profile has no ketua or phone.
	pub := publish(t, ws, true)
	b.open(pub, "index.html", "", "10-publik-ringkasan")
	var nav []string
	b.eval(`[...document.querySelectorAll('header nav a')].map(a => a.textContent)`, &nav)
	if strings.Contains(strings.Join(nav, ","), "Tindak Lanjut") || strings.Contains(strings.Join(nav, ","), "Kualitas") {
		t.Errorf("public navigation: %v", nav)
	}
	b.open(pub, "direktori.html", "", "11-publik-direktori")
	b.open(pub, "koperasi.html", "#"+healthy, "12-publik-koperasi")
	var labels []string
	b.eval(`[...document.querySelectorAll('.profil dt')].map(x => x.textContent)`, &labels)
	for _, l := range labels {
		if l == "Ketua" || l == "Telepon" || l == "Alamat" {
			t.Errorf("public profile shows %s", l)
		}
	}
	var cases int
	b.eval(`[...document.querySelectorAll('h2')].filter(h => h.textContent.includes('tindak lanjut')).length`, &cases)
	if cases != 0 {
		t.Error("public profile shows follow-up cases")
	}
}

// BenchmarkDirectoryBrowser measures how the directory of the national register (130,000
// cooperatives) behaves in headless Chromium: opening it (one region), loading every region, and
// a search over all of them.
func BenchmarkDirectoryBrowser(b *testing.B) {
	ws := synthWarehouse(b, 130000, "")
	dir := filepath.Join(b.TempDir(), "site")
	if _, err := dashboards.PublishResult(context.Background(), ws, dashboards.Options{Dir: dir}); err != nil {
		b.Fatal(err)
	}
	br := newBrowser(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		br.open(dir, "direktori.html", "", "bench-direktori")
		first := time.Since(start)
		var ms struct{ Semua, Cari float64 }
		if _, err := chromedp.Run(br.ctx, chromedp.Evaluate[bool](`(() => {
			window.__t0 = performance.now();
			const s = document.getElementById('dir-wilayah'); s.value = ''; s.dispatchEvent(new Event('change'));
			const b = document.querySelector('#dir-info button'); if (b) b.click(); return true; })()`)); err != nil {
			b.Fatal(err)
		}
		if _, err := chromedp.Run(br.ctx, chromedp.Poll[bool](`document.getElementById('dir-info').textContent.startsWith('130.000 koperasi')`, chromedp.WithPollingTimeout(2*time.Minute))); err != nil {
			b.Fatal(err)
		}
		br.eval(`({Semua: performance.now() - window.__t0, Cari: 0})`, &ms)
		// A search over all 130,000 (filter and render of the first page), timed in the page: the
		// status filter's change handler runs the same filter synchronously.
		var filter float64
		br.eval(`(() => { document.getElementById('dir-cari').value = 'sejahtera makmur 12'; const t = performance.now();
			document.getElementById('dir-status').dispatchEvent(new Event('change')); return performance.now() - t; })()`, &filter)
		var info string
		br.eval(`document.getElementById('dir-info').textContent`, &info)
		if strings.HasPrefix(info, "130.000") {
			b.Fatalf("the search did not filter: %q", info)
		}
		b.ReportMetric(first.Seconds(), "s-open")
		b.ReportMetric(ms.Semua/1000, "s-load-all")
		b.ReportMetric(filter, "ms-filter")
		b.Logf("directory of 130000: open %.1f s (one region), load all regions %.1f s, filter+render over all %.0f ms",
			first.Seconds(), ms.Semua/1000, filter)
	}
}
