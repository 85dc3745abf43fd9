package dashboards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Page is one HTML page of the site. Pages carry pre-aggregated figures only: each chart's option
// (built with go-echarts) and the table behind it, never raw warehouse rows.
type Page struct {
	File      string // e.g. "index.html"
	Key       string // navigation key
	Judul     string
	Deskripsi string
	Kartu     []Kartu
	Panels    []*Panel
	Kosong    string // page-wide empty state (e.g. a table that does not exist yet)
	Body      template.HTML
	Data      any // page data for pantau.js (drill-down, directory); JSON, HTML-escaped
}

// Kartu is a headline figure.
type Kartu struct {
	Label, Nilai, Catatan string
	Warna                 string // optional accent
}

// Panel is a chart and the table behind it (or a table alone when Chart is nil).
type Panel struct {
	ID         string
	Judul      string
	Keterangan string
	Chart      map[string]any // ECharts option from go-echarts' JSON()
	Format     string         // value format of the chart: angka, rp, persen
	Tinggi     int            // chart height in px (default 340)
	Lebar      bool           // spans the full width
	Tabel      Tabel
	Kosong     string // empty-state message shown instead of the chart and table
	BatasBaris int    // rows shown in the page's table (all rows are in the downloads)

	csv, xlsx string // download paths relative to the site root, set when written
}

// Tabel is the table behind a chart.
type Tabel struct {
	Kolom []Kolom
	Baris [][]any
}

// Kolom is a table column. Tipe: teks, angka, rp, persen, desimal, tanggal. A cell of a column with
// Href links to Href + the value of column HrefKol of the same row (deep links to a region or a
// cooperative).
type Kolom struct {
	Label   string
	Tipe    string
	Href    string
	HrefKol int
}

type nav struct{ File, Key, Label string }

var navAll = []nav{
	{"index.html", "ringkasan", "Ringkasan"},
	{"wilayah.html", "wilayah", "Wilayah"},
	{"kesehatan.html", "kesehatan", "Kesehatan"},
	{"keaktifan.html", "keaktifan", "Keaktifan & RAT"},
	{"kelengkapan.html", "kelengkapan", "Kelengkapan Laporan"},
	{"kualitas.html", "kualitas", "Kualitas Data"},
	{"tindak-lanjut.html", "tindak-lanjut", "Tindak Lanjut"},
	{"direktori.html", "direktori", "Direktori"},
}

// internalOnly pages are left out of the public build.
var internalOnly = map[string]bool{"kualitas": true, "tindak-lanjut": true}

// site holds what every page shares.
type site struct {
	Dir     string
	Public  bool
	Kantor  string
	Judul   string
	Warna   string
	Palet   []string
	Logo    string // relative path of the copied logo, or ""
	DataPer string // "24 November 2026 19.20 WIB"
	Run     string // "proses #12: score (demo)"
	Catatan string

	kantorCSS sync.Once // assets/kantor.css, written with the first page
	kantorErr error
}

// writeKantorCSS writes assets/kantor.css, the office's colour as the stylesheet's --warna: a file,
// not an inline style, so the pages run under a Content-Security-Policy without 'unsafe-inline'.
// kantor.warna_utama is checked to be a #rgb/#rrggbb colour when pantau.toml is read.
func (s *site) writeKantorCSS() error {
	s.kantorCSS.Do(func() {
		if err := os.MkdirAll(filepath.Join(s.Dir, "assets"), 0o755); err != nil {
			s.kantorErr = err
			return
		}
		css := "/* The office's colour (kantor.warna_utama in pantau.toml), written by pantau publish. */\n:root{--warna:" + s.Warna + "}\n"
		s.kantorErr = os.WriteFile(filepath.Join(s.Dir, "assets", "kantor.css"), []byte(css), 0o644)
	})
	return s.kantorErr
}

func (s *site) navs() []nav {
	var out []nav
	for _, n := range navAll {
		if s.Public && internalOnly[n.Key] {
			continue
		}
		out = append(out, n)
	}
	return out
}

type panelView struct {
	*Panel
	ChartJSON template.JS
	Head      []Kolom
	Rows      [][]cellView
	Lebih     int
}

type cellView struct {
	Text, Href, Class string
}

func (s *site) writePage(p *Page) error {
	if err := s.writeKantorCSS(); err != nil {
		return err
	}
	var views []panelView
	for _, pn := range p.Panels {
		if err := s.writeDownloads(p, pn); err != nil {
			return err
		}
		v := panelView{Panel: pn, Head: pn.Tabel.Kolom}
		if pn.Chart != nil && pn.Kosong == "" {
			b, err := json.Marshal(map[string]any{"option": pn.Chart, "format": pn.Format})
			if err != nil {
				return fmt.Errorf("grafik %s: %w", pn.ID, err)
			}
			v.ChartJSON = template.JS(b) // json.Marshal escapes <, > and & as \u003c…
		}
		limit := pn.BatasBaris
		if limit <= 0 {
			limit = 50
		}
		for i, r := range pn.Tabel.Baris {
			if i >= limit {
				v.Lebih = len(pn.Tabel.Baris) - limit
				break
			}
			row := make([]cellView, len(r))
			for j, c := range r {
				k := pn.Tabel.Kolom[j]
				row[j] = cellView{Text: cellText(c, k.Tipe), Class: k.Tipe}
				if k.Href != "" && k.HrefKol < len(r) && r[k.HrefKol] != nil {
					row[j].Href = k.Href + fmt.Sprint(r[k.HrefKol])
				}
			}
			v.Rows = append(v.Rows, row)
		}
		views = append(views, v)
	}
	var data template.JS
	if p.Data != nil {
		b, err := json.Marshal(p.Data)
		if err != nil {
			return err
		}
		data = template.JS(b)
	}
	var buf bytes.Buffer
	err := layout.Execute(&buf, map[string]any{
		"S": s, "P": p, "Panels": views, "Nav": s.navs(), "Data": data, "Palet": strings.Join(s.Palet, ","),
	})
	if err != nil {
		return fmt.Errorf("halaman %s: %w", p.File, err)
	}
	return os.WriteFile(filepath.Join(s.Dir, p.File), buf.Bytes(), 0o644)
}

func cellText(c any, tipe string) string {
	if c == nil {
		return "–"
	}
	if tipe == "teks" || tipe == "tanggal" {
		if s, ok := c.(string); ok && tipe == "tanggal" {
			if t, err := time.Parse("2006-01-02", s); err == nil {
				return Tanggal(t)
			}
		}
		return fmt.Sprint(c)
	}
	switch v := c.(type) {
	case int64:
		if tipe == "rp" {
			return Rupiah(float64(v))
		}
		return Angka(v)
	case int:
		return Angka(int64(v))
	case float64:
		switch tipe {
		case "rp":
			return Rupiah(v)
		case "persen":
			return Persen(v)
		case "angka":
			return Desimal(v, 0)
		default:
			return Desimal(v, 2)
		}
	case string:
		return v
	}
	return fmt.Sprint(c)
}

// layout is every page. It has no inline script (the chart options and page data are JSON data
// blocks, which a browser does not run) and no inline style (the office colour is assets/kantor.css;
// a card's accent and a chart's height are data attributes that pantau.js applies through the
// CSSOM), so the pages run under a Content-Security-Policy of script-src 'self'; style-src 'self'
// (pantau serve sends one).
var layout = template.Must(template.New("layout").Parse(`<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.P.Judul}} · {{.S.Judul}}</title>
<link rel="stylesheet" href="assets/pantau.css">
<link rel="stylesheet" href="assets/kantor.css">
<script src="assets/echarts.min.js"></script>
<script src="assets/pantau.js"></script>
</head>
<body data-halaman="{{.P.Key}}" data-palet="{{.Palet}}">
<header class="atas">
 <div class="merek">{{if .S.Logo}}<img src="{{.S.Logo}}" alt="" class="logo">{{end}}<div><div class="kantor">{{.S.Kantor}}</div><div class="judul">{{.S.Judul}}{{if .S.Public}} · <span class="publik">Versi publik</span>{{end}}</div></div></div>
 <nav>{{range .Nav}}<a href="{{.File}}"{{if eq .Key $.P.Key}} class="aktif" aria-current="page"{{end}}>{{.Label}}</a>{{end}}</nav>
</header>
<main>
<div class="kepala">
 <div><h1>{{.P.Judul}}</h1>{{if .P.Deskripsi}}<p class="desk">{{.P.Deskripsi}}</p>{{end}}</div>
 <p class="stempel" id="stempel" data-teks="Data per {{.S.DataPer}} · {{.S.Run}}">Data per {{.S.DataPer}}<br><span>{{.S.Run}}</span></p>
</div>
{{if .P.Kosong}}<div class="kosong-halaman">{{.P.Kosong}}</div>{{end}}
{{if .P.Kartu}}<section class="kartu-kartu">{{range .P.Kartu}}<div class="kartu"{{if .Warna}} data-warna="{{.Warna}}"{{end}}><div class="label">{{.Label}}</div><div class="nilai">{{.Nilai}}</div>{{if .Catatan}}<div class="catatan">{{.Catatan}}</div>{{end}}</div>{{end}}</section>{{end}}
{{.P.Body}}
<section class="panel-panel">
{{range .Panels}}<article class="panel{{if .Lebar}} lebar{{end}}" id="{{.ID}}">
 <header><h2>{{.Judul}}</h2>{{if .Keterangan}}<p class="ket">{{.Keterangan}}</p>{{end}}</header>
 {{if .Kosong}}<div class="kosong">{{.Kosong}}</div>{{else}}
 {{if .ChartJSON}}<div class="grafik" data-grafik="{{.ID}}"{{if .Tinggi}} data-tinggi="{{.Tinggi}}"{{end}}></div>
 <script type="application/json" id="grafik-{{.ID}}">{{.ChartJSON}}</script>{{end}}
 {{if .Head}}<details class="tabel"{{if not .ChartJSON}} open{{end}}><summary>Tabel data</summary>
 <div class="gulir"><table><thead><tr>{{range .Head}}<th class="{{.Tipe}}">{{.Label}}</th>{{end}}</tr></thead><tbody>
 {{range .Rows}}<tr>{{range .}}<td class="{{.Class}}">{{if .Href}}<a href="{{.Href}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}</td>{{end}}</tr>
 {{end}}</tbody></table></div>{{if .Lebih}}<p class="lebih">… dan {{.Lebih}} baris lagi di berkas unduhan.</p>{{end}}</details>{{end}}
 {{end}}
 <footer><span class="stempel-panel">Data per {{$.S.DataPer}} · {{$.S.Run}}</span>{{if and .Head (not .Kosong)}}<span class="unduh">Unduh: <a href="{{.CSV}}" download>CSV</a> · <a href="{{.XLSX}}" download>XLSX</a></span>{{end}}</footer>
</article>
{{end}}</section>
</main>
<footer class="bawah">{{.S.Kantor}} · {{.S.Judul}} · dibuat oleh Pantau{{if .S.Catatan}} · {{.S.Catatan}}{{end}}</footer>
{{if .Data}}<script type="application/json" id="data-halaman">{{.Data}}</script>{{end}}
</body>
</html>
`))

// CSV and XLSX are the download paths of the panel's table.
func (p *Panel) CSV() string  { return p.csv }
func (p *Panel) XLSX() string { return p.xlsx }
