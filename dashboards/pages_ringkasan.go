package dashboards

import (
	"fmt"
	"strings"
)

var labelJenis = map[string]string{
	"simpan_pinjam": "Simpan pinjam", "simpan_pinjam_syariah": "Simpan pinjam syariah", "konsumen": "Konsumen",
	"produsen": "Produsen", "pemasaran": "Pemasaran", "jasa": "Jasa", "serba_usaha": "Serba usaha",
}

func lblJenis(k string) string {
	if l, ok := labelJenis[k]; ok {
		return l
	}
	if k == "" {
		return "(tidak diisi)"
	}
	return k
}

// pendek shortens region names for axes: "Kabupaten Bogor" → "Kab. Bogor".
func pendek(n string) string {
	if strings.HasPrefix(n, "Kabupaten ") {
		return "Kab. " + strings.TrimPrefix(n, "Kabupaten ")
	}
	return n
}

func (b *builder) hasKesehatan() bool {
	return b.src.has("mart.kesehatan", "nik", "tahun_buku", "rubrik", "kategori", "skor", "cakupan")
}

const kosongKesehatan = "Belum ada hasil penilaian kesehatan. Hasilnya muncul di sini setelah tahap penilaian (pantau score) menghasilkan tabel mart.kesehatan."

func (b *builder) ringkasan() (*Page, error) {
	p := &Page{File: "index.html", Key: "ringkasan", Judul: "Ringkasan",
		Deskripsi: "Keadaan koperasi di wilayah kerja: status keaktifan, tingkat kesehatan, anggota, modal dan usaha."}
	st, err := b.src.rows("ringkasan_status")
	if err != nil {
		return nil, fmt.Errorf("ringkasan status: %w", err)
	}
	count := map[string]int64{}
	var total int64
	for _, r := range st {
		count[asStr(r[0])] = asInt(r[1])
		total += asInt(r[1])
	}
	years, err := b.src.rows("ringkasan_tahun")
	if err != nil {
		return nil, fmt.Errorf("ringkasan tahun buku: %w", err)
	}
	pct := func(n int64) string {
		if total == 0 {
			return ""
		}
		return Persen(100*float64(n)/float64(total)) + " dari terdaftar"
	}
	p.Kartu = []Kartu{
		{Label: "Koperasi terdaftar", Nilai: Angka(total)},
		{Label: "Aktif", Nilai: Angka(count["aktif"]), Catatan: pct(count["aktif"]), Warna: warnaStatus["aktif"]},
		{Label: "Tidak aktif", Nilai: Angka(count["tidak_aktif"]), Catatan: pct(count["tidak_aktif"]), Warna: warnaStatus["tidak_aktif"]},
		{Label: "Baru", Nilai: Angka(count["baru"]), Warna: warnaStatus["baru"]},
		{Label: "Dibubarkan", Nilai: Angka(count["dibubarkan"]), Warna: warnaStatus["dibubarkan"]},
	}
	if n := len(years); n > 0 {
		y := years[n-1]
		tb := asInt(y[0])
		p.Kartu = append(p.Kartu,
			Kartu{Label: "Anggota", Nilai: Angka(asInt(y[2])), Catatan: fmt.Sprintf("tahun buku %d, %s laporan", tb, Angka(asInt(y[1])))},
			Kartu{Label: "Modal sendiri", Nilai: "Rp " + Singkat(asFloat(y[3])), Catatan: fmt.Sprintf("tahun buku %d", tb)},
			Kartu{Label: "Volume usaha", Nilai: "Rp " + Singkat(asFloat(y[4])), Catatan: fmt.Sprintf("tahun buku %d", tb)},
		)
	}

	// 1. status
	var items []irisan
	var tbl [][]any
	for _, k := range append(urutStatus, "belum_dinilai") {
		if count[k] == 0 && k == "belum_dinilai" {
			continue
		}
		items = append(items, irisan{lblStatus(k), float64(count[k]), warnaStatus[k]})
		tbl = append(tbl, []any{lblStatus(k), count[k]})
	}
	p.Panels = append(p.Panels, &Panel{ID: "status", Judul: "Koperasi menurut status keaktifan",
		Keterangan: "Aktif: RAT dilaksanakan dalam 3 tahun buku terakhir yang sudah tutup.",
		Chart:      pieChart("Status", items), Format: "angka",
		Tabel: Tabel{Kolom: []Kolom{{Label: "Status", Tipe: "teks"}, {Label: "Koperasi", Tipe: "angka"}}, Baris: tbl}})

	// 2. health
	kes := &Panel{ID: "kesehatan", Judul: "Koperasi menurut kategori kesehatan", Keterangan: "Penilaian terakhir tiap koperasi, menurut rubrik yang berlaku: " + b.ketAturan(false) + ".", Format: "angka"}
	if !b.hasKesehatan() {
		kes.Kosong = kosongKesehatan
	} else {
		rows, err := b.src.rows("ringkasan_kesehatan", b.aturan())
		if err != nil {
			return nil, fmt.Errorf("ringkasan kesehatan: %w", err)
		}
		items, tbl := kategoriItems(rows)
		if len(items) == 0 {
			kes.Kosong = "Belum ada koperasi yang dinilai kesehatannya."
		}
		kes.Chart = pieChart("Kategori", items)
		kes.Tabel = Tabel{Kolom: []Kolom{{Label: "Kategori", Tipe: "teks"}, {Label: "Koperasi", Tipe: "angka"}}, Baris: tbl}
	}
	p.Panels = append(p.Panels, kes)

	// 3. per kab/kota
	kab, err := b.src.rows("ringkasan_wilayah")
	if err != nil {
		return nil, fmt.Errorf("ringkasan wilayah: %w", err)
	}
	p.Panels = append(p.Panels, statusPerWilayah("wilayah", "Koperasi per kabupaten/kota menurut status", kab, 30))

	// 4–6. trends over tahun buku
	var cats []string
	var anggota, modal, volume, aset, lap, rat []float64
	var ytbl [][]any
	for _, y := range years {
		cats = append(cats, fmt.Sprint(asInt(y[0])))
		lap = append(lap, asFloat(y[1]))
		anggota = append(anggota, asFloat(y[2]))
		modal = append(modal, asFloat(y[3]))
		volume = append(volume, asFloat(y[4]))
		aset = append(aset, asFloat(y[5]))
		rat = append(rat, asFloat(y[7]))
		ytbl = append(ytbl, []any{y[0], y[1], y[7], y[2], y[3], y[4], y[5], y[6]})
	}
	ycols := []Kolom{{Label: "Tahun buku", Tipe: "teks"}, {Label: "Laporan", Tipe: "angka"}, {Label: "RAT dilaksanakan", Tipe: "angka"},
		{Label: "Anggota", Tipe: "angka"}, {Label: "Modal sendiri (Rp)", Tipe: "rp"}, {Label: "Volume usaha (Rp)", Tipe: "rp"},
		{Label: "Total aset (Rp)", Tipe: "rp"}, {Label: "SHU (Rp)", Tipe: "rp"}}
	tahunKosong := ""
	if len(years) == 0 {
		tahunKosong = "Belum ada laporan tahunan yang diterima."
	}
	p.Panels = append(p.Panels,
		&Panel{ID: "tren-uang", Judul: "Modal sendiri, volume usaha dan aset per tahun buku", Format: "rp", Kosong: tahunKosong,
			Chart: lineChart(cats, []serie{{Name: "Modal sendiri", Data: modal, Color: b.warna(0)}, {Name: "Volume usaha", Data: volume, Color: b.warna(1)},
				{Name: "Total aset", Data: aset, Color: b.warna(2)}}, ""),
			Tabel: Tabel{Kolom: ycols, Baris: ytbl}},
		&Panel{ID: "tren-anggota", Judul: "Jumlah anggota per tahun buku", Format: "angka", Kosong: tahunKosong,
			Chart: barChart(cats, []serie{{Name: "Anggota", Data: anggota, Color: b.warna(0)}}, sumbu{}),
			Tabel: Tabel{Kolom: ycols[:4], Baris: cut(ytbl, 4)}},
		&Panel{ID: "tren-laporan", Judul: "Laporan masuk dan RAT dilaksanakan per tahun buku", Format: "angka", Kosong: tahunKosong,
			Chart: barChart(cats, []serie{{Name: "Laporan", Data: lap, Color: b.warna(0)}, {Name: "RAT dilaksanakan", Data: rat, Color: warnaStatus["aktif"]}}, sumbu{}),
			Tabel: Tabel{Kolom: ycols[:3], Baris: cut(ytbl, 3)}},
	)
	return p, nil
}

// cut keeps the first n cells of each row.
func cut(rows [][]any, n int) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = r[:n]
	}
	return out
}

func (b *builder) warna(i int) string {
	p := b.site.Palet
	if len(p) == 0 {
		p = []string{"#0f5c8c", "#2a9d8f", "#e9a23b", "#8e6bbf", "#e76f51"}
	}
	return p[i%len(p)]
}

// kategoriItems orders health categories the same way on every page.
func kategoriItems(rows [][]any) ([]irisan, [][]any) {
	by := map[string]int64{}
	for _, r := range rows {
		by[asStr(r[0])] += asInt(r[1])
	}
	var items []irisan
	var tbl [][]any
	for _, k := range urutKategori {
		if by[k] == 0 {
			continue
		}
		items = append(items, irisan{k, float64(by[k]), warnaKategori[k]})
		tbl = append(tbl, []any{k, by[k]})
		delete(by, k)
	}
	for k, v := range by { // categories of a rubric this page does not know yet
		items = append(items, irisan{k, float64(v), ""})
		tbl = append(tbl, []any{k, v})
	}
	return items, tbl
}

// statusPerWilayah draws rows (kode, nama, aktif, tidak_aktif, baru, dibubarkan, total) as stacked
// horizontal bars of the top regions, with every region in the table.
func statusPerWilayah(id, judul string, rows [][]any, top int) *Panel {
	var cats []string
	ss := make([]serie, 4)
	for i, k := range urutStatus {
		ss[i] = serie{Name: lblStatus(k), Color: warnaStatus[k], Stack: "s"}
	}
	var tbl [][]any
	for i, r := range rows {
		tbl = append(tbl, []any{r[0], r[1], r[6], r[2], r[3], r[4], r[5]})
		if i >= top {
			continue
		}
		cats = append(cats, pendek(asStr(r[1])))
		for j := range ss {
			ss[j].Data = append(ss[j].Data, asFloat(r[2+j]))
		}
	}
	// Largest at the top of a horizontal chart.
	reverse(cats)
	for j := range ss {
		reverse(ss[j].Data)
	}
	ket := ""
	if len(rows) > top {
		ket = fmt.Sprintf("%d wilayah dengan koperasi terbanyak; semua %d wilayah ada di tabel.", top, len(rows))
	}
	h := 60 + 26*len(cats)
	if h < 300 {
		h = 300
	}
	p := &Panel{ID: id, Judul: judul, Keterangan: ket, Format: "angka", Lebar: true, Tinggi: h,
		Chart: barChart(cats, ss, sumbu{horizontal: true, legend: true}),
		Tabel: Tabel{Kolom: []Kolom{{Label: "Kode", Tipe: "teks"}, {Label: "Wilayah", Tipe: "teks", Href: "wilayah.html#", HrefKol: 0},
			{Label: "Koperasi", Tipe: "angka"}, {Label: "Aktif", Tipe: "angka"}, {Label: "Tidak aktif", Tipe: "angka"},
			{Label: "Baru", Tipe: "angka"}, {Label: "Dibubarkan", Tipe: "angka"}}, Baris: tbl}}
	if len(rows) == 0 {
		p.Kosong = "Belum ada koperasi terdaftar."
	}
	return p
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}
