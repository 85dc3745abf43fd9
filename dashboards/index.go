package dashboards

import (
	"bytes"
	"fmt"
	"html/template"
	"os"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/render"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// assetsHost is where go-echarts points pages for echarts.min.js: the local copy, never a CDN.
const assetsHost = "assets/"

var statusLabel = map[string]string{
	"aktif": "Aktif", "tidak_aktif": "Tidak aktif", "baru": "Baru", "dibubarkan": "Dibubarkan", "belum_dinilai": "Belum dinilai",
}

func initOpts(id string) charts.GlobalOpts {
	return charts.WithInitializationOpts(opts.Initialization{AssetsHost: assetsHost, ChartID: id, Width: "100%", Height: "380px"})
}

// snippet renders a chart's element and script for embedding in our own page template.
func snippet(c interface{ RenderSnippet() render.ChartSnippet }) template.HTML {
	s := c.RenderSnippet()
	return template.HTML(s.Element + s.Script)
}

func writeIndex(path string, ws *workspace.Workspace, s *summary) error {
	status := charts.NewPie()
	status.SetGlobalOptions(initOpts("status"), charts.WithTitleOpts(opts.Title{Title: "Koperasi menurut status keaktifan"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}))
	var pie []opts.PieData
	for _, r := range s.ByStatus {
		pie = append(pie, opts.PieData{Name: label(r.Key), Value: r.Value})
	}
	status.AddSeries("status", pie)

	kab := charts.NewBar()
	kab.SetGlobalOptions(initOpts("kabupaten"), charts.WithTitleOpts(opts.Title{Title: "Koperasi per kabupaten/kota"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "30"}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Rotate: 40, Interval: "0"}}),
		charts.WithGridOpts(opts.Grid{Bottom: "120", Top: "70"}))
	var names []string
	var aktif, tidak, baru, bubar []opts.BarData
	for _, r := range s.ByKab {
		names = append(names, strings.TrimPrefix(strings.TrimPrefix(r.Key, "Kabupaten "), "Kab. "))
		aktif = append(aktif, opts.BarData{Value: r.Aktif})
		tidak = append(tidak, opts.BarData{Value: r.TidakAktif})
		baru = append(baru, opts.BarData{Value: r.Baru})
		bubar = append(bubar, opts.BarData{Value: r.Bubar})
	}
	kab.SetXAxis(names).
		AddSeries("Aktif", aktif, charts.WithBarChartOpts(opts.BarChart{Stack: "s"})).
		AddSeries("Tidak aktif", tidak, charts.WithBarChartOpts(opts.BarChart{Stack: "s"})).
		AddSeries("Baru", baru, charts.WithBarChartOpts(opts.BarChart{Stack: "s"})).
		AddSeries("Dibubarkan", bubar, charts.WithBarChartOpts(opts.BarChart{Stack: "s"}))

	trend := charts.NewLine()
	trend.SetGlobalOptions(initOpts("tren"), charts.WithTitleOpts(opts.Title{Title: "Anggota, modal sendiri dan volume usaha per tahun buku"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "30"}),
		charts.WithGridOpts(opts.Grid{Top: "70"}),
		charts.WithYAxisOpts(opts.YAxis{Name: "Rp miliar"}))
	trend.ExtendYAxis(opts.YAxis{Name: "anggota"})
	var years []string
	var anggota, modal, volume []opts.LineData
	for _, y := range s.Years {
		years = append(years, fmt.Sprint(y.Tahun))
		anggota = append(anggota, opts.LineData{Value: y.Anggota, YAxisIndex: 1})
		modal = append(modal, opts.LineData{Value: round2(y.ModalSendiri / 1e9)})
		volume = append(volume, opts.LineData{Value: round2(y.VolumeUsaha / 1e9)})
	}
	trend.SetXAxis(years).
		AddSeries("Modal sendiri (Rp M)", modal).
		AddSeries("Volume usaha (Rp M)", volume).
		AddSeries("Anggota", anggota, charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1}))

	var counts []kv
	for _, r := range s.ByStatus {
		counts = append(counts, kv{Key: label(r.Key), Value: r.Value})
	}
	page := struct {
		Kantor, Judul, DataPer, Warna string
		RunID                         int64
		Total                         string
		Counts                        []kv
		Charts                        []template.HTML
	}{
		Kantor: ws.Config.Kantor.Nama, Judul: ws.Config.Publish.Judul, DataPer: stamp(s.LastRun, ws.Config.Location()),
		Warna: ws.Config.Kantor.WarnaUtama, RunID: s.LastRunID, Total: Angka(s.Total), Counts: counts,
		Charts: []template.HTML{snippet(status), snippet(kab), snippet(trend)},
	}
	var buf bytes.Buffer
	if err := indexTpl.Execute(&buf, page); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func label(k string) string {
	if l, ok := statusLabel[k]; ok {
		return l
	}
	return k
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

// Angka formats a whole number the Indonesian way: 1234567 → "1.234.567".
func Angka(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, d := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

var indexTpl = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ringkasan — {{.Judul}}</title>
<script src="assets/echarts.min.js"></script>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2733;background:#f4f6f8}
header{background:{{.Warna}};color:#fff;padding:16px 24px}
header h1{margin:0;font-size:22px} header p{margin:4px 0 0;opacity:.9}
main{max-width:1200px;margin:0 auto;padding:16px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:16px}
.card{background:#fff;border-radius:8px;padding:12px 16px;min-width:140px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card b{display:block;font-size:24px}
.panel{background:#fff;border-radius:8px;padding:12px;margin-bottom:16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.stamp{font-size:12px;color:#5b6b7b}
</style>
</head>
<body>
<header><h1>{{.Kantor}}</h1><p>{{.Judul}} — Ringkasan</p></header>
<main>
<p class="stamp">Data per {{.DataPer}}{{if .RunID}} (run #{{.RunID}}){{end}}</p>
<div class="cards">
<div class="card">Koperasi terdaftar<b id="total-koperasi">{{.Total}}</b></div>
{{range .Counts}}<div class="card">{{.Key}}<b>{{.Value}}</b></div>{{end}}
</div>
{{range .Charts}}<div class="panel">{{.}}<p class="stamp">Data per {{$.DataPer}}</p></div>{{end}}
</main>
</body>
</html>
`))
