package dashboards

import (
	"fmt"
	"html/template"
	"path/filepath"
	"runtime"

	"golang.org/x/sync/errgroup"
)

// wilayahKolom are the columns of a region table (kab/kota or kecamatan).
var wilayahKolom = []Kolom{{Label: "Kode", Tipe: "teks"}, {Label: "Wilayah", Tipe: "teks"},
	{Label: "Koperasi", Tipe: "angka"}, {Label: "Aktif", Tipe: "angka"}, {Label: "Tidak aktif", Tipe: "angka"},
	{Label: "Baru", Tipe: "angka"}, {Label: "Dibubarkan", Tipe: "angka"}, {Label: "% aktif", Tipe: "persen"},
	{Label: "Laporan tahun terakhir", Tipe: "angka"}, {Label: "Anggota", Tipe: "angka"},
	{Label: "Modal sendiri (Rp)", Tipe: "rp"}, {Label: "Volume usaha (Rp)", Tipe: "rp"}}

// The Wilayah page: kab/kota, then (in the page, from a URL like wilayah.html#32.01) the kecamatan
// of one kab/kota. Every kecamatan table is pre-aggregated and written as CSV/XLSX at publish time.
func (b *builder) wilayah() (*Page, error) {
	p := &Page{File: "wilayah.html", Key: "wilayah", Judul: "Wilayah",
		Deskripsi: "Koperasi per kabupaten/kota; pilih satu wilayah (klik batang atau nama) untuk melihat kecamatannya."}
	kab, err := b.src.rows("wilayah_kabupaten")
	if err != nil {
		return nil, fmt.Errorf("wilayah: %w", err)
	}
	kec, err := b.src.rows("wilayah_kecamatan")
	if err != nil {
		return nil, fmt.Errorf("wilayah kecamatan: %w", err)
	}
	var tbl [][]any
	var cats []string
	var aktif, tidak, lain []float64
	const top = 40
	for i, r := range kab {
		tbl = append(tbl, r[1:])
		if i < top {
			cats = append(cats, pendek(asStr(r[2])))
			aktif = append(aktif, asFloat(r[4]))
			tidak = append(tidak, asFloat(r[5]))
			lain = append(lain, asFloat(r[6])+asFloat(r[7]))
		}
	}
	reverse(cats)
	reverse(aktif)
	reverse(tidak)
	reverse(lain)
	cols := append([]Kolom{}, wilayahKolom...)
	cols[1].Href, cols[1].HrefKol = "wilayah.html#", 0
	h := 60 + 24*len(cats)
	if h < 320 {
		h = 320
	}
	ket := "Klik batang untuk membuka kecamatan wilayah itu."
	if len(kab) > top {
		ket = fmt.Sprintf("%d wilayah dengan koperasi terbanyak (semua di tabel). %s", top, ket)
	}
	pn := &Panel{ID: "kabupaten", Judul: "Koperasi per kabupaten/kota", Keterangan: ket, Format: "angka", Tinggi: h, Lebar: true, BatasBaris: 600,
		Chart: barChart(cats, []serie{{Name: "Aktif", Data: aktif, Color: warnaStatus["aktif"], Stack: "s"},
			{Name: "Tidak aktif", Data: tidak, Color: warnaStatus["tidak_aktif"], Stack: "s"},
			{Name: "Baru / dibubarkan", Data: lain, Color: warnaStatus["dibubarkan"], Stack: "s"}}, sumbu{horizontal: true, legend: true}),
		Tabel: Tabel{Kolom: cols, Baris: tbl}}
	if len(kab) == 0 {
		pn.Kosong = "Belum ada koperasi terdaftar."
	}
	// The chart's categories map back to region codes for the click → drill-down.
	codes := make([]any, 0, len(cats))
	for i := len(cats) - 1; i >= 0; i-- {
		codes = append(codes, kab[i][1])
	}
	pn.Chart["pantauKode"] = codes
	p.Panels = append(p.Panels, pn)

	// Kecamatan per kab/kota for the drill-down, and their downloads.
	type kabData struct {
		Nama string  `json:"nama"`
		Kec  [][]any `json:"kec"`
	}
	data := map[string]*kabData{}
	for _, r := range kab {
		if r[1] != nil {
			data[asStr(r[1])] = &kabData{Nama: asStr(r[2])}
		}
	}
	for _, r := range kec {
		k, ok := data[asStr(r[0])]
		if !ok || r[0] == nil {
			continue
		}
		k.Kec = append(k.Kec, r[1:])
	}
	var work errgroup.Group
	work.SetLimit(max(2, runtime.NumCPU()))
	for kode, k := range data {
		work.Go(func() error {
			return writeTable(filepath.Join(b.site.Dir, "unduh", "wilayah"), kode, "Kecamatan di "+k.Nama, Tabel{Kolom: wilayahKolom, Baris: k.Kec})
		})
	}
	if err := work.Wait(); err != nil {
		return nil, err
	}
	p.Data = map[string]any{"wilayah": data, "kolom": wilayahKolom}
	p.Body = template.HTML(`<section class="panel lebar" id="kecamatan" hidden>
 <header><h2 id="kec-judul">Kecamatan</h2><p class="ket">Koperasi per kecamatan. <a href="#" id="kec-tutup">Kembali ke semua kabupaten/kota</a> · <a id="kec-direktori" href="direktori.html">Lihat koperasinya di Direktori</a></p></header>
 <div class="grafik" id="kec-grafik"></div>
 <details class="tabel" open><summary>Tabel data</summary><div class="gulir"><table id="kec-tabel"></table></div></details>
 <footer><span class="stempel-panel">Data per ` + template.HTMLEscapeString(b.site.DataPer+" · "+b.site.Run) + `</span><span class="unduh">Unduh: <a id="kec-csv" download>CSV</a> · <a id="kec-xlsx" download>XLSX</a></span></footer>
</section>`)
	return p, nil
}
