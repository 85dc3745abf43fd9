package dashboards_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/dashboards"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

func publish(t testing.TB, ws *workspace.Workspace, public bool) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	res, err := dashboards.PublishResult(context.Background(), ws, dashboards.Options{Dir: dir, Public: public})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	if res.Dir != dir {
		t.Fatalf("published to %s, want %s", res.Dir, dir)
	}
	return dir
}

func read(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestFormat(t *testing.T) {
	cases := []struct{ got, want string }{
		{dashboards.Angka(1234567), "1.234.567"},
		{dashboards.Angka(-1000), "-1.000"},
		{dashboards.Angka(999), "999"},
		{dashboards.Desimal(1234567.891, 2), "1.234.567,89"},
		{dashboards.Desimal(-0.004, 2), "0,00"},
		{dashboards.Rupiah(1250000), "Rp 1.250.000"},
		{dashboards.Rupiah(2500000.5), "Rp 2.500.000,50"},
		{dashboards.Rupiah(-1500000), "-Rp 1.500.000"},
		{dashboards.Singkat(1.5e9), "1,5 M"},
		{dashboards.Singkat(2_300_000), "2,3 jt"},
		{dashboards.Singkat(3e12), "3 T"},
		{dashboards.Persen(87.46), "87,5%"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// Every page of the internal build exists, names the data time and the last run on the page and on
// every panel, and loads only files from its own folder.
func TestPublishPages(t *testing.T) {
	ws := demoWorkspace(t)
	dir := publish(t, ws, false)
	pages := []string{"index.html", "wilayah.html", "kesehatan.html", "keaktifan.html", "kelengkapan.html", "kualitas.html", "tindak-lanjut.html", "direktori.html", "koperasi.html"}
	remote := regexp.MustCompile(`(?i)(?:src|href)\s*=\s*["']?\s*(?:[a-z]+:)?//`)
	stamp := regexp.MustCompile(`Data per \d{1,2} [A-Z][a-z]+ \d{4} \d{2}\.\d{2} [A-Z]+`)
	for _, p := range pages {
		html := read(t, filepath.Join(dir, p))
		if !stamp.MatchString(html) || !strings.Contains(html, "proses terakhir #") {
			t.Errorf("%s: no \"data per\" stamp naming the last run", p)
		}
		// every panel repeats the stamp
		if np, ns := strings.Count(html, `<article class="panel`), strings.Count(html, `class="stempel-panel"`); ns < np {
			t.Errorf("%s: %d panels but %d panel stamps", p, np, ns)
		}
		if n := strings.Count(html, `data-grafik="`); n > 10 {
			t.Errorf("%s: %d charts, more than 10", p, n)
		}
		if m := remote.FindString(html); m != "" {
			t.Errorf("%s references another host: %s", p, m)
		}
		if !strings.Contains(html, `src="assets/echarts.min.js"`) || !strings.Contains(html, "Dinas Koperasi dan UKM Provinsi Jawa Barat") {
			t.Errorf("%s: no local ECharts or no office name", p)
		}
	}
	css := read(t, filepath.Join(dir, "assets", "pantau.css"))
	for _, m := range regexp.MustCompile(`url\(([^)]+)\)`).FindAllStringSubmatch(css, -1) {
		if strings.Contains(m[1], "//") {
			t.Errorf("stylesheet loads a remote font: %s", m[1])
		}
		if _, err := os.Stat(filepath.Join(dir, "assets", m[1])); err != nil {
			t.Errorf("font %s is not bundled: %v", m[1], err)
		}
	}
	// The office colour from pantau.toml is the page colour: a stylesheet of its own (no inline style
	// under the Content-Security-Policy), linked from every page.
	if !strings.Contains(read(t, filepath.Join(dir, "assets", "kantor.css")), "#0f5c8c") {
		t.Error("office colour not in assets/kantor.css")
	}
	if !strings.Contains(read(t, filepath.Join(dir, "index.html")), "kantor.css") {
		t.Error("index.html does not link the office colour")
	}
}

// The table behind the status chart, as CSV and XLSX, holds the counts the warehouse holds.
func TestDownloads(t *testing.T) {
	ws := demoWorkspace(t)
	dir := publish(t, ws, false)
	want := map[string]int{}
	rows, err := ws.WH.DB().Query(`SELECT status_aktif, count(*) FROM mart.koperasi GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		var n int
		rows.Scan(&s, &n)
		want[map[string]string{"aktif": "Aktif", "tidak_aktif": "Tidak aktif", "baru": "Baru", "dibubarkan": "Dibubarkan"}[s]] = n
	}
	rows.Close()
	raw := read(t, filepath.Join(dir, "unduh", "index-status.csv"))
	if !strings.HasPrefix(raw, "\ufeffStatus;Koperasi\n") {
		t.Fatalf("CSV header: %q", raw[:min(len(raw), 40)])
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, rec := range recs[1:] {
		got[rec[0]], _ = strconv.Atoi(rec[1])
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("CSV %s = %d, warehouse has %d", k, got[k], v)
		}
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "unduh", "index-status.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	xr, err := f.GetRows("Data", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(xr) != len(recs) || xr[0][0] != "Status" {
		t.Fatalf("XLSX rows %v, CSV rows %v", xr, recs)
	}
	for _, row := range xr[1:] {
		n, _ := strconv.Atoi(row[1])
		if n != want[row[0]] {
			t.Errorf("XLSX %s = %s, warehouse has %d", row[0], row[1], want[row[0]])
		}
	}
	// Rupiah in the trend table's XLSX is a number, not text.
	f2, err := excelize.OpenFile(filepath.Join(dir, "unduh", "index-tren-uang.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	typ, _ := f2.GetCellType("Data", "E2")
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("modal sendiri cell type %v, want a number", typ)
	}
	// Every chart panel has both downloads, and they exist.
	html := read(t, filepath.Join(dir, "kesehatan.html"))
	links := regexp.MustCompile(`href="(unduh/[^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(links) < 8 {
		t.Fatalf("kesehatan.html has %d download links", len(links))
	}
	for _, l := range links {
		if _, err := os.Stat(filepath.Join(dir, l[1])); err != nil {
			t.Errorf("download %s missing", l[1])
		}
	}
	// The kecamatan drill-down of every kab/kota has its downloads.
	kab, _ := filepath.Glob(filepath.Join(dir, "unduh", "wilayah", "*.xlsx"))
	if len(kab) < 5 {
		t.Errorf("only %d kecamatan downloads", len(kab))
	}
}

// Names are escaped: the raw markup of the evil name never appears in a page or data file, and a
// CSV cell that starts like a formula is neutralised.
func TestEscaping(t *testing.T) {
	ws := demoWorkspace(t)
	dir := publish(t, ws, false)
	found := false
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || strings.HasSuffix(p, "echarts.min.js") || strings.HasSuffix(p, ".xlsx") || strings.HasSuffix(p, ".woff2") {
			return nil
		}
		b := read(t, p)
		if strings.Contains(b, "<script>alert(1)") || strings.Contains(b, "<b>Maju</b>") {
			if strings.HasSuffix(p, ".csv") {
				found = true // CSV is data, not markup
				return nil
			}
			t.Errorf("%s holds the name unescaped", p)
		}
		if strings.Contains(b, `\u003cscript\u003ealert(1)\u003c/script\u003e`) {
			found = true
		}
		return nil
	})
	if !found {
		t.Fatal("the cooperative with the evil name is not published at all")
	}
	kes := read(t, filepath.Join(dir, "kesehatan.html"))
	if strings.Contains(kes, demoNIK) && !strings.Contains(kes, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the name in a server-rendered table is not HTML-escaped")
	}
}

// The public build has the directory and aggregate pages only: no follow-up, no quarantine, no
// people's names or phone numbers anywhere in its files.
func TestPublicBuildLeaksNothing(t *testing.T) {
	ws := demoWorkspace(t)
	dir := publish(t, ws, true)
	for _, p := range []string{"kualitas.html", "tindak-lanjut.html"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("public build has %s", p)
		}
	}
	// What must not leak: every ketua name and phone number in the register, the follow-up staff,
	// quarantined values and file names.
	var secrets []string
	q := `SELECT nama_ketua FROM mart.koperasi WHERE length(nama_ketua) > 5 UNION SELECT telepon FROM mart.koperasi WHERE length(telepon) > 5
		UNION SELECT alamat FROM mart.koperasi WHERE length(alamat) > 10
		UNION SELECT petugas FROM mart.tindak_lanjut WHERE length(petugas) > 5
		UNION SELECT value FROM ops.quarantine WHERE length(value) > 6 AND NOT regexp_matches(value, '^[0-9., -]+$')
		UNION SELECT filename FROM ops.submissions WHERE filename IS NOT NULL`
	rows, err := ws.WH.DB().Query(q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		secrets = append(secrets, s)
	}
	rows.Close()
	if len(secrets) < 100 {
		t.Fatalf("only %d secrets to look for; the fixture is too thin", len(secrets))
	}
	for _, s := range []string{secretKetua, secretPhone, petugasName} {
		if !contains(secrets, s) {
			t.Fatalf("fixture secret %q not in the warehouse", s)
		}
	}
	leaks := 0
	names := 0
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() || strings.HasSuffix(p, "echarts.min.js") || strings.HasSuffix(p, ".woff2") || strings.HasSuffix(p, ".txt") {
			return nil
		}
		b := read(t, p)
		if strings.HasSuffix(p, ".xlsx") {
			b = xlsxText(t, p)
		}
		for _, s := range secrets {
			if strings.Contains(b, s) || strings.Contains(b, jsonEsc(s)) {
				if leaks < 10 {
					t.Errorf("%s leaks %q", strings.TrimPrefix(p, dir), s)
				}
				leaks++
			}
		}
		for _, w := range []string{"karantina", "Karantina", "tindak-lanjut.html", "kualitas.html", "Tindak Lanjut"} {
			if strings.Contains(b, w) && !strings.HasSuffix(p, "pantau.js") {
				t.Errorf("%s mentions %q", strings.TrimPrefix(p, dir), w)
			}
		}
		if strings.Contains(p, "data/dir/") {
			names++
		}
		return nil
	})
	if names == 0 {
		t.Fatal("the public build has no directory data")
	}
	// And the internal build does carry them (so this test can fail).
	in := publish(t, ws, false)
	all := ""
	files, _ := filepath.Glob(filepath.Join(in, "data", "kop", "*.js"))
	for _, f := range files {
		all += read(t, f)
	}
	if !strings.Contains(all, secretKetua) || !strings.Contains(all, secretPhone) {
		t.Error("the internal build's profiles do not show the ketua and phone")
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// jsonEsc is how encoding/json writes s inside a data file.
func jsonEsc(s string) string {
	r := strings.NewReplacer("<", `\u003c`, ">", `\u003e`, "&", `\u0026`, `"`, `\"`)
	return r.Replace(s)
}

func xlsxText(t testing.TB, path string) string {
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sh := range f.GetSheetList() {
		rows, _ := f.GetRows(sh)
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t"))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// A failed build leaves the last good site in place and no temporary folder behind.
func TestFailedBuildKeepsLastSite(t *testing.T) {
	ws := demoWorkspace(t)
	dir := publish(t, ws, false)
	before := read(t, filepath.Join(dir, "index.html"))
	cfg := *ws.Config
	cfg.Kantor.Logo = "tidak-ada/logo.png"
	broken := *ws
	broken.Config = &cfg
	_, err := dashboards.Publish(context.Background(), &broken, dashboards.Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "kantor.logo") {
		t.Fatalf("publish with a missing logo: %v", err)
	}
	if after := read(t, filepath.Join(dir, "index.html")); after != before {
		t.Error("the failed build changed the site")
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".site-build-*"))
	if len(left) != 0 {
		t.Errorf("temporary folders left: %v", left)
	}
	// A logo from pantau.toml is copied beside the pages and shown in the header.
	logo := filepath.Join(t.TempDir(), "logo.svg")
	os.WriteFile(logo, []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#0a0"/></svg>`), 0o644)
	cfg.Kantor.Logo = logo
	if _, err := dashboards.Publish(context.Background(), &broken, dashboards.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(read(t, filepath.Join(dir, "index.html")), `<img src="assets/logo.svg"`) {
		t.Error("logo not in the header")
	}
	if _, err := os.Stat(filepath.Join(dir, "assets", "logo.svg")); err != nil {
		t.Error(err)
	}
}

// A fresh workspace publishes empty-state pages in Bahasa Indonesia instead of failing: first with
// no marts at all, then with empty marts and without the tables other stages build.
func TestEmptyWorkspaceDegrades(t *testing.T) {
	ctx := context.Background()
	ws, _, err := workspace.Init(ctx, filepath.Join(t.TempDir(), "ws"), "32.76", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	dir := publish(t, ws, false)
	for _, p := range []string{"index.html", "wilayah.html", "kesehatan.html", "tindak-lanjut.html", "direktori.html", "koperasi.html"} {
		if !strings.Contains(read(t, filepath.Join(dir, p)), "Belum ada koperasi terdaftar") {
			t.Errorf("before transform, %s does not say there are no cooperatives yet", p)
		}
	}
	if err := app.Stages().Run(ctx, ws, "test", app.Transform, app.Score); err != nil {
		t.Fatal(err)
	}
	dir = publish(t, ws, false)
	for p, want := range map[string]string{
		"kesehatan.html":     "Belum ada",
		"tindak-lanjut.html": "Belum ada",
		"index.html":         "Belum ada laporan tahunan yang diterima",
		"direktori.html":     "Belum ada koperasi terdaftar",
		"kelengkapan.html":   "Belum ada laporan tahunan",
		"kualitas.html":      "Tidak ada baris yang dikarantina",
	} {
		if !strings.Contains(read(t, filepath.Join(dir, p)), want) {
			t.Errorf("%s does not say %q", p, want)
		}
	}
}

// With [publish] publik set, the scheduled publish stage writes the public build beside the
// internal one.
func TestScheduledPublishWritesPublicBuild(t *testing.T) {
	ws := demoWorkspace(t)
	cfg := *ws.Config
	cfg.Paths.Public = filepath.Join(t.TempDir(), "internal")
	cfg.Publish.Publik = filepath.Join(t.TempDir(), "publik")
	w := *ws
	w.Config = &cfg
	if err := app.Stages().Run(context.Background(), &w, "test", app.Publish); err != nil {
		t.Fatal(err)
	}
	for dir, wantFollowUp := range map[string]bool{cfg.Paths.Public: true, cfg.Publish.Publik: false} {
		if _, err := os.Stat(filepath.Join(dir, "direktori.html")); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
		_, err := os.Stat(filepath.Join(dir, "tindak-lanjut.html"))
		if (err == nil) != wantFollowUp {
			t.Errorf("%s: tindak-lanjut.html present = %v, want %v", dir, err == nil, wantFollowUp)
		}
	}
}

// loadScript reads a data/<kind>/<key>.js file (Pantau.terima(kind, key, payload);) into v.
func loadScript(t *testing.T, path string, v any) {
	t.Helper()
	s := read(t, path)
	i := strings.Index(s, ",{")
	if i < 0 {
		i = strings.Index(s, ",[")
	}
	if i < 0 || !strings.HasSuffix(s, ");\n") {
		t.Fatalf("%s: not a Pantau.terima script", path)
	}
	if err := json.Unmarshal([]byte(s[i+1:len(s)-3]), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// A KSP scored by ksp-2016, kkpkk-2021 and umum-2026 gets one headline grade, from ksp-2016 (the
// rubric that officially applies to simpan pinjam); a cooperative of another jenis gets umum-2026;
// every rubric's latest worksheet is in the profile data under that rubric, with aspect names, not
// codes, and bands written with a decimal comma. The Kesehatan page counts the same headline grades.
func TestHealthHeadlineRule(t *testing.T) {
	ws := demoWorkspace(t)
	dir := publish(t, ws, false)
	db := ws.WH.DB()

	// The rule, written out here: per cooperative, its latest scored tahun buku; in it ksp-2016 for
	// simpan_pinjam(_syariah), else umum-2026, else another rubric, kkpkk-2021 last.
	type grade struct {
		tahun          int
		rubrik, kat, g string
	}
	rows, err := db.Query(`SELECT h.nik, k.jenis, h.tahun_buku, h.rubrik, h.kategori, coalesce(h.grade, '') FROM mart.kesehatan h JOIN mart.koperasi k USING (nik)`)
	if err != nil {
		t.Fatal(err)
	}
	rank := func(jenis, r string) int {
		switch {
		case r == "ksp-2016" && (jenis == "simpan_pinjam" || jenis == "simpan_pinjam_syariah"):
			return 0
		case r == "umum-2026":
			return 1
		case r == "kkpkk-2021":
			return 3
		}
		return 2
	}
	head := map[string]grade{}
	jenisOf := map[string]string{}
	all := map[string][]grade{}
	for rows.Next() {
		var nik, jenis string
		var g grade
		if err := rows.Scan(&nik, &jenis, &g.tahun, &g.rubrik, &g.kat, &g.g); err != nil {
			t.Fatal(err)
		}
		jenisOf[nik] = jenis
		all[nik] = append(all[nik], g)
		h, ok := head[nik]
		if !ok || g.tahun > h.tahun || g.tahun == h.tahun && rank(jenis, g.rubrik) < rank(jenis, h.rubrik) {
			head[nik] = g
		}
	}
	rows.Close()
	// A KSP whose provisional kkpkk-2021 category differs from its ksp-2016 one in the latest year.
	var ksp, other string
	for nik, h := range head {
		if jenisOf[nik] != "simpan_pinjam" || h.rubrik != "ksp-2016" || nik == demoNIK || ksp != "" && nik > ksp {
			continue
		}
		differs := false
		for _, g := range all[nik] {
			if g.tahun == h.tahun && g.rubrik == "kkpkk-2021" && g.kat != h.kat {
				differs = true
			}
		}
		if differs {
			ksp = nik
		}
	}
	for nik, h := range head {
		if jenisOf[nik] == "konsumen" && h.rubrik == "umum-2026" && (other == "" || nik < other) {
			other = nik
		}
	}
	if ksp == "" || other == "" {
		t.Fatalf("the demo has no KSP with differing ksp-2016/kkpkk-2021 categories (%q) or no scored konsumen (%q)", ksp, other)
	}

	type kopFile struct {
		R []string    `json:"r"`
		D [][2]string `json:"d"`
		K map[string]struct {
			P []any   `json:"p"`
			K [][]any `json:"k"`
			I [][]any `json:"i"`
			U []any   `json:"u"`
		} `json:"k"`
	}
	kabOf := func(nik string) string {
		var idx map[string]string
		loadScript(t, filepath.Join(dir, "data", "nik", nik[len(nik)-2:]+".js"), &idx)
		return idx[nik]
	}
	for _, nik := range []string{ksp, other} {
		h := head[nik]
		kab := kabOf(nik)
		var kf kopFile
		loadScript(t, filepath.Join(dir, "data", "kop", kab+".js"), &kf)
		d, ok := kf.K[nik]
		if !ok {
			t.Fatalf("%s not in data/kop/%s.js", nik, kab)
		}
		if d.P[8] != h.kat || fmt.Sprint(d.P[9]) != h.g || len(d.U) != 2 || d.U[0] != h.rubrik || d.U[1] != float64(h.tahun) {
			t.Errorf("%s (%s): profile headline %v %v by %v, want %s (%s) by %s %d", nik, jenisOf[nik], d.P[8], d.P[9], d.U, h.kat, h.g, h.rubrik, h.tahun)
		}
		// worksheets: per rubric, the indicators of its latest year, as the warehouse has them
		got := map[string][]string{}
		for _, r := range d.I {
			ind := kf.D[int(r[0].(float64))]
			ru := kf.R[int(r[1].(float64))]
			if strings.Contains(ind[0], "_") {
				t.Errorf("%s: aspect shown as a code %q", nik, ind[0])
			}
			if band, _ := r[4].(string); regexp.MustCompile(`\d\.\d`).MatchString(band) {
				t.Errorf("%s: band %q has a decimal point", nik, band)
			}
			got[ru] = append(got[ru], ind[0]+" / "+ind[1])
		}
		want := map[string][]string{}
		ir, err := db.Query(`SELECT i.rubrik, i.nama_aspek || ' / ' || i.nama_indikator FROM mart.kesehatan_indikator i
			WHERE i.nik = ? AND i.tahun_buku = (SELECT max(tahun_buku) FROM mart.kesehatan WHERE nik = i.nik AND rubrik = i.rubrik) ORDER BY i.rubrik, i.urutan`, nik)
		if err != nil {
			t.Fatal(err)
		}
		for ir.Next() {
			var ru, s string
			ir.Scan(&ru, &s)
			want[ru] = append(want[ru], s)
		}
		ir.Close()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: worksheets by rubric\n got %v\nwant %v", nik, got, want)
		}
		// the directory row shows the same headline and names its rubric
		var dirRows [][]any
		loadScript(t, filepath.Join(dir, "data", "dir", kab+".js"), &dirRows)
		for _, r := range dirRows {
			if r[0] == nik && (r[8] != h.kat || r[11] != h.rubrik) {
				t.Errorf("%s: directory shows %v by %v, want %s by %s", nik, r[8], r[11], h.kat, h.rubrik)
			}
		}
	}
	if len(all[ksp]) < 3 {
		t.Errorf("%s: %d grades, want the three rubrics", ksp, len(all[ksp]))
	}

	// The Kesehatan page counts the same headline grades.
	count := map[string]int{}
	for _, h := range head {
		count[h.kat]++
	}
	raw := strings.TrimPrefix(read(t, filepath.Join(dir, "unduh", "kesehatan-kategori.csv")), "\ufeff")
	r := csv.NewReader(strings.NewReader(raw))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, rec := range recs[1:] {
		got[rec[0]], _ = strconv.Atoi(rec[1])
	}
	if fmt.Sprint(got) != fmt.Sprint(count) {
		t.Errorf("Kesehatan counts %v, the headline rule gives %v", got, count)
	}
}

// Staff read Indonesian: the check table of Kualitas Data and the Kelengkapan page use Indonesian
// labels (the DHIS2 name once, in parentheses); numbers on pages use a decimal comma.
func TestIndonesianLabels(t *testing.T) {
	ws := demoWorkspace(t)
	dir := publish(t, ws, false)
	raw := strings.TrimPrefix(read(t, filepath.Join(dir, "unduh", "kualitas-cek-terakhir.csv")), "\ufeff")
	r := csv.NewReader(strings.NewReader(raw))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 5 {
		t.Fatalf("check table has %d rows", len(recs))
	}
	okJenis := map[string]bool{"wajib terisi": true, "unik": true, "relasi": true, "rentang": true, "ekspresi": true, "nilai yang diterima": true, "anomali": true}
	okTingkat := map[string]bool{"peringatan": true, "galat": true}
	okHasil := map[string]bool{"lolos": true, "gagal": true, "gagal (peringatan)": true}
	for _, rec := range recs[1:] {
		if !okJenis[rec[1]] || !okTingkat[rec[2]] || !okHasil[rec[3]] || strings.Contains(rec[0], "_") {
			t.Errorf("check row %q: not in Indonesian labels", rec)
		}
	}
	page := read(t, filepath.Join(dir, "kelengkapan.html"))
	if n := strings.Count(strings.ToLower(page), "reporting rate"); n != 1 || strings.Contains(page, "expected_reports") || strings.Contains(page, "reporting_rate") {
		t.Errorf("kelengkapan.html: \"reporting rate\" %d times (want once, in parentheses), or raw column names", n)
	}
	if !strings.Contains(page, "Tingkat pelaporan (reporting rate") {
		t.Error("kelengkapan.html: no \"Tingkat pelaporan (reporting rate…)\"")
	}
	// Cards and table cells rendered at publish time: no number with a decimal point.
	cell := regexp.MustCompile(`<(?:td class="(?:angka|desimal|persen|rp)"|div class="nilai")>\s*(?:Rp )?-?[\d.]*\d\.\d{1,2}\s*%?\s*<`)
	for _, p := range []string{"index.html", "wilayah.html", "kesehatan.html", "keaktifan.html", "kelengkapan.html", "kualitas.html", "tindak-lanjut.html"} {
		if m := cell.FindString(read(t, filepath.Join(dir, p))); m != "" {
			t.Errorf("%s shows a number with a decimal point: %s", p, m)
		}
	}
}

// The output of a publish — -o, paths.public, publish.publik — is never the workspace, its data,
// inbox or archive, nor a folder of someone else's files; nothing is touched when it is refused.
func TestPublishRefusesProtectedOutput(t *testing.T) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "ws")
	ws, _, err := workspace.Init(ctx, root, "32.76", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	t.Chdir(root)
	os.MkdirAll("archive/2025/01", 0o755)
	os.WriteFile("archive/2025/01/4-laporan.xlsx", []byte("asli"), 0o644)
	os.WriteFile("inbox/kop.csv", []byte("NIK;Nama\n"), 0o644)
	os.MkdirAll("catatan", 0o755)
	os.WriteFile("catatan/rapat.txt", []byte("jangan hapus"), 0o644)
	keep := map[string][]byte{}
	for _, f := range []string{"pantau.toml", "data/pantau.duckdb", "archive/2025/01/4-laporan.xlsx", "inbox/kop.csv", "catatan/rapat.txt"} {
		keep[f] = []byte(read(t, f))
	}
	for _, c := range []struct{ dir, why string }{
		{".", "adalah folder workspace"},
		{"./", "adalah folder workspace"},
		{"..", "memuat folder workspace"},
		{"data", "adalah folder gudang data"},
		{"data/../data", "adalah folder gudang data"},
		{"data/pantau.duckdb", "adalah berkas gudang data DuckDB"},
		{"pantau.toml", "adalah pantau.toml"},
		{"archive", "adalah arsip"},
		{"inbox", "adalah kotak masuk"},
		{"inbox/situs", "berada di dalam kotak masuk"},
		{"catatan", "tidak dibuat pantau publish"},
	} {
		_, err := dashboards.PublishResult(ctx, ws, dashboards.Options{Dir: c.dir})
		if err == nil || !strings.Contains(err.Error(), `"`+c.dir+`"`) || !strings.Contains(err.Error(), c.why) {
			t.Errorf("publish -o %s: %v, want a refusal saying %q", c.dir, err, c.why)
		}
	}
	// The same holes through pantau.toml: paths.public, and publish.publik in the scheduled publish.
	cfg := *ws.Config
	cfg.Paths.Public = "."
	w := *ws
	w.Config = &cfg
	if _, err := dashboards.PublishResult(ctx, &w, dashboards.Options{}); err == nil || !strings.Contains(err.Error(), "adalah folder workspace") {
		t.Errorf("paths.public = \".\": %v", err)
	}
	cfg.Paths.Public = "public"
	cfg.Publish.Publik = "archive"
	if err := app.Stages().Run(ctx, &w, "test", app.Publish); err == nil || !strings.Contains(err.Error(), `"`+filepath.Join(root, "archive")+`" adalah arsip`) {
		t.Errorf("publish.publik = \"archive\": %v", err)
	}
	for f, want := range keep {
		if got := read(t, f); got != string(want) {
			t.Errorf("%s changed", f)
		}
	}
	if _, err := os.Stat("public/index.html"); err != nil {
		t.Errorf("the internal site of the scheduled publish: %v", err)
	}
}

// Publish marks its site, replaces it on the next run, and removes the build folders a killed
// publish left behind — only those.
func TestPublishMarkerAndStaleBuilds(t *testing.T) {
	ctx := context.Background()
	ws, _, err := workspace.Init(ctx, filepath.Join(t.TempDir(), "ws"), "32.76", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	base := t.TempDir()
	site := filepath.Join(base, "site")
	if _, err := dashboards.PublishResult(ctx, ws, dashboards.Options{Dir: site}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{".pantau-site", "index.html", "assets/echarts.min.js"} {
		fi, err := os.Stat(filepath.Join(site, f))
		if err != nil || fi.Mode().Perm() != 0o644 {
			t.Fatalf("%s: %v %v, want mode 644", f, fi, err)
		}
	}
	// What a kill -9 leaves: a build folder and the previous site moved aside. Look-alikes stay.
	mk := func(rel string) {
		os.MkdirAll(filepath.Join(base, rel), 0o755)
		os.WriteFile(filepath.Join(base, rel, "index.html"), []byte(rel), 0o644)
	}
	mk(".site-build-123")
	mk(".site-build-4242-old")
	mk(".site-build-abc")
	mk(".situs-build-1")
	mk("milik-orang")
	os.Symlink(filepath.Join(base, "milik-orang"), filepath.Join(base, ".site-build-77"))
	os.WriteFile(filepath.Join(base, ".site-build-88"), []byte("berkas, bukan folder"), 0o644)
	os.WriteFile(filepath.Join(site, "index.html"), []byte("situs lama"), 0o644)
	if _, err := dashboards.PublishResult(ctx, ws, dashboards.Options{Dir: site}); err != nil {
		t.Fatalf("second publish to the same folder: %v", err)
	}
	if read(t, filepath.Join(site, "index.html")) == "situs lama" {
		t.Error("the second publish did not replace the site")
	}
	var left []string
	ents, _ := os.ReadDir(base)
	for _, e := range ents {
		left = append(left, e.Name())
	}
	want := []string{".site-build-77", ".site-build-88", ".site-build-abc", ".situs-build-1", "milik-orang", "site"}
	if strings.Join(left, " ") != strings.Join(want, " ") {
		t.Errorf("after publish the folder holds %v, want %v", left, want)
	}
	if read(t, filepath.Join(base, "milik-orang", "index.html")) != "milik-orang" {
		t.Error("the folder behind a look-alike link was touched")
	}
	// A folder of someone else's files is refused, whole.
	other := filepath.Join(base, "milik-orang")
	if _, err := dashboards.PublishResult(ctx, ws, dashboards.Options{Dir: other}); err == nil || !strings.Contains(err.Error(), "tidak dibuat pantau publish") {
		t.Fatalf("publish into a foreign folder: %v", err)
	}
	if read(t, filepath.Join(other, "index.html")) != "milik-orang" {
		t.Error("the refused folder was changed")
	}
}
