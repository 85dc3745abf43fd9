package dashboards

import (
	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/pantau-koperasi/pantau/scoring"
)

// Chart options are built with go-echarts' typed options and taken as JSON (chart.JSON()); pantau.js
// draws them with the office's palette and Indonesian number formatters (which ECharts' locale does
// not provide). go-echarts' own page renderer is not used: it would load ECharts from a CDN and give
// no place for the data-per stamp, the tables behind charts and the downloads.

// Semantic colours used the same way on every page.
var (
	warnaStatus = map[string]string{"aktif": "#2e7d32", "tidak_aktif": "#c62828", "baru": "#1565c0", "dibubarkan": "#757575", "belum_dinilai": "#bdbdbd"}
	urutStatus  = []string{"aktif", "tidak_aktif", "baru", "dibubarkan"}

	urutKategori  = []string{"Sehat", "Cukup Sehat", "Dalam Pengawasan", "Dalam Pengawasan Khusus", "Tidak Dapat Dinilai"}
	warnaKategori = map[string]string{"Sehat": "#2e7d32", "Cukup Sehat": "#9ccc65", "Dalam Pengawasan": "#ffa000", "Dalam Pengawasan Khusus": "#c62828", "Tidak Dapat Dinilai": "#9e9e9e"}
)

// lblStatus is an activity status's label (scoring.Status.Label), or "Belum dinilai" for the
// cooperatives without a mart.keaktifan row.
func lblStatus(k string) string {
	if s, err := scoring.ParseStatus(k); err == nil {
		return s.Label()
	}
	if k == "belum_dinilai" {
		return "Belum dinilai"
	}
	return k
}

// serie is one series of a bar or line chart.
type serie struct {
	Name   string
	Data   []float64
	Color  string
	Stack  string
	Line   bool // a line in a bar chart (e.g. a rate over counts)
	Right  bool // on the second (right) y axis
	Smooth bool
}

type sumbu struct {
	horizontal bool
	kanan      string // format of the right axis (persen, angka, rp); "" for none
	legend     bool
}

func itemColor(c string) opts.ItemStyle { return opts.ItemStyle{Color: c} }

// barChart is a bar chart over categories (stacked when series share Stack), with optional lines.
func barChart(cats []string, ss []serie, ax sumbu) map[string]any {
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(ax.legend || len(ss) > 1), Top: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
	)
	if ax.kanan != "" {
		bar.ExtendYAxis(opts.YAxis{Type: "value", Name: ax.kanan})
	}
	bar.SetXAxis(cats)
	for _, s := range ss {
		if s.Line {
			line := charts.NewLine()
			line.SetXAxis(cats)
			d := make([]opts.LineData, len(s.Data))
			for i, v := range s.Data {
				d[i] = opts.LineData{Value: v}
			}
			o := []charts.SeriesOpts{charts.WithItemStyleOpts(itemColor(s.Color))}
			if s.Right {
				o = append(o, charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1}))
			}
			line.AddSeries(s.Name, d, o...)
			bar.Overlap(line)
			continue
		}
		d := make([]opts.BarData, len(s.Data))
		for i, v := range s.Data {
			d[i] = opts.BarData{Value: v}
		}
		o := []charts.SeriesOpts{charts.WithItemStyleOpts(itemColor(s.Color))}
		if s.Stack != "" {
			o = append(o, charts.WithBarChartOpts(opts.BarChart{Stack: s.Stack}))
		}
		bar.AddSeries(s.Name, d, o...)
	}
	if ax.horizontal {
		bar.XYReversal()
	}
	bar.Validate()
	j := bar.JSON()
	j["pantauHorizontal"] = ax.horizontal
	j["pantauKanan"] = ax.kanan
	return j
}

// lineChart is a line chart over categories (tahun buku).
func lineChart(cats []string, ss []serie, kanan string) map[string]any {
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(ss) > 1), Top: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
	)
	if kanan != "" {
		line.ExtendYAxis(opts.YAxis{Type: "value", Name: kanan})
	}
	line.SetXAxis(cats)
	for _, s := range ss {
		d := make([]opts.LineData, len(s.Data))
		for i, v := range s.Data {
			d[i] = opts.LineData{Value: v}
		}
		o := []charts.SeriesOpts{charts.WithItemStyleOpts(itemColor(s.Color)),
			charts.WithLineChartOpts(opts.LineChart{Smooth: opts.Bool(s.Smooth), ShowSymbol: opts.Bool(true)})}
		if s.Right {
			o = append(o, charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1, ShowSymbol: opts.Bool(true)}))
		}
		line.AddSeries(s.Name, d, o...)
	}
	line.Validate()
	j := line.JSON()
	j["pantauKanan"] = kanan
	return j
}

// irisan is a slice of a pie or funnel.
type irisan struct {
	Name  string
	Value float64
	Color string
}

func pieChart(name string, items []irisan) map[string]any {
	pie := charts.NewPie()
	pie.SetGlobalOptions(
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
	)
	d := make([]opts.PieData, len(items))
	for i, it := range items {
		d[i] = opts.PieData{Name: it.Name, Value: it.Value}
		if it.Color != "" {
			d[i].ItemStyle = &opts.ItemStyle{Color: it.Color}
		}
	}
	pie.AddSeries(name, d, charts.WithPieChartOpts(opts.PieChart{Radius: []string{"42%", "68%"}, Center: []string{"50%", "45%"}}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Formatter: "{b}\n{d}%"}))
	pie.Validate()
	return pie.JSON()
}

func funnelChart(name string, items []irisan) map[string]any {
	f := charts.NewFunnel()
	f.SetGlobalOptions(
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
	)
	d := make([]opts.FunnelData, len(items))
	for i, it := range items {
		d[i] = opts.FunnelData{Name: it.Name, Value: it.Value}
	}
	f.AddSeries(name, d, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "inside"}))
	f.Validate()
	j := f.JSON()
	j["pantauFunnel"] = true
	return j
}
