package dashboards

import (
	"database/sql"
	"fmt"
	"strings"
)

// stackKategori turns rows (group, kategori, count) into stacked series by health category.
func stackKategori(rows [][]any, label func(string) string, top int) ([]string, []serie, [][]any) {
	var groups []string
	seen := map[string]bool{}
	val := map[string]map[string]float64{}
	for _, r := range rows {
		g := asStr(r[0])
		if !seen[g] {
			seen[g] = true
			groups = append(groups, g)
			val[g] = map[string]float64{}
		}
		val[g][asStr(r[1])] += asFloat(r[2])
	}
	if len(groups) > top {
		groups = groups[:top]
	}
	var ss []serie
	for _, k := range urutKategori {
		s := serie{Name: k, Color: warnaKategori[k], Stack: "k"}
		for _, g := range groups {
			s.Data = append(s.Data, val[g][k])
		}
		ss = append(ss, s)
	}
	var tbl [][]any
	cats := make([]string, len(groups))
	for i, g := range groups {
		cats[i] = label(g)
		row := []any{label(g)}
		for _, k := range urutKategori {
			row = append(row, int64(val[g][k]))
		}
		tbl = append(tbl, row)
	}
	return cats, ss, tbl
}

func kategoriKolom(first string) []Kolom {
	k := []Kolom{{Label: first, Tipe: "teks"}}
	for _, c := range urutKategori {
		k = append(k, Kolom{Label: c, Tipe: "angka"})
	}
	return k
}

func (b *builder) kesehatan() (*Page, error) {
	p := &Page{File: "kesehatan.html", Key: "kesehatan", Judul: "Kesehatan",
		Deskripsi: "Tingkat kesehatan koperasi menurut rubrik penilaian: kategori, sebaran per jenis dan wilayah, serta koperasi yang naik atau turun kategori."}
	if !b.hasKesehatan() {
		p.Kosong = kosongKesehatan
		return p, nil
	}
	cur, err := b.src.rows("kesehatan_kategori", b.aturan())
	if err != nil {
		return nil, fmt.Errorf("kesehatan: %w", err)
	}
	items, tbl := kategoriItems(cur)
	var n int64
	for _, r := range cur {
		n += asInt(r[1])
	}
	if n == 0 {
		p.Kosong = "Belum ada koperasi yang dinilai kesehatannya."
		return p, nil
	}
	by := map[string]int64{}
	for _, r := range tbl {
		by[asStr(r[0])] = asInt(r[1])
	}
	p.Kartu = []Kartu{{Label: "Koperasi dinilai", Nilai: Angka(n), Catatan: "penilaian terakhir, rubrik yang berlaku"}}
	for _, k := range urutKategori {
		p.Kartu = append(p.Kartu, Kartu{Label: k, Nilai: Angka(by[k]), Warna: warnaKategori[k]})
	}
	p.Panels = append(p.Panels, &Panel{ID: "kategori", Judul: "Koperasi menurut kategori kesehatan", Format: "angka",
		Keterangan: "Satu kategori per koperasi, dari penilaian terakhirnya menurut rubrik yang berlaku: " + b.ketAturan(true) + ". Kategori tidak diberikan bila cakupan indikator yang dapat dinilai di bawah batas (Tidak Dapat Dinilai).",
		Chart:      pieChart("Kategori", items),
		Tabel:      Tabel{Kolom: []Kolom{{Label: "Kategori", Tipe: "teks"}, {Label: "Koperasi", Tipe: "angka"}}, Baris: tbl}})

	// by jenis
	rows, err := b.src.rows("kesehatan_jenis", b.aturan())
	if err != nil {
		return nil, fmt.Errorf("kesehatan per jenis: %w", err)
	}
	cats, ss, t := stackKategori(rows, lblJenis, 20)
	// Horizontal bars: jenis names ("Simpan pinjam syariah") stay readable; the largest on top.
	reverse(cats)
	for i := range ss {
		reverse(ss[i].Data)
	}
	p.Panels = append(p.Panels, &Panel{ID: "jenis", Judul: "Kategori kesehatan menurut jenis koperasi", Format: "angka",
		Tinggi: max(320, 90+34*len(cats)), Chart: barChart(cats, ss, sumbu{horizontal: true, legend: true}), Tabel: Tabel{Kolom: kategoriKolom("Jenis"), Baris: t}})

	// by kab/kota
	rows, err = b.src.rows("kesehatan_wilayah", b.aturan())
	if err != nil {
		return nil, fmt.Errorf("kesehatan per wilayah: %w", err)
	}
	cats, ss, t = stackKategori(rows, pendek, 30)
	reverse(cats)
	for i := range ss {
		reverse(ss[i].Data)
	}
	p.Panels = append(p.Panels, &Panel{ID: "wilayah", Judul: "Kategori kesehatan per kabupaten/kota", Format: "angka", Lebar: true,
		Tinggi: max(320, 60+24*len(cats)), Chart: barChart(cats, ss, sumbu{horizontal: true, legend: true}),
		Tabel: Tabel{Kolom: kategoriKolom("Kabupaten/kota"), Baris: t}})

	// moving up or down, per tahun buku
	if b.src.has("mart.kesehatan", "perubahan") {
		rows, err = b.src.rows("kesehatan_perubahan", b.aturan())
		if err != nil {
			return nil, fmt.Errorf("kesehatan perubahan: %w", err)
		}
		var cats []string
		var naik, turun, tetap []float64
		for _, r := range rows {
			cats = append(cats, fmt.Sprint(asInt(r[0])))
			naik = append(naik, asFloat(r[1]))
			turun = append(turun, asFloat(r[2]))
			tetap = append(tetap, asFloat(r[3]))
		}
		p.Panels = append(p.Panels, &Panel{ID: "perubahan", Judul: "Koperasi yang naik atau turun kategori per tahun buku", Format: "angka",
			Chart: barChart(cats, []serie{{Name: "Naik", Data: naik, Color: "#2e7d32"}, {Name: "Turun", Data: turun, Color: "#c62828"}, {Name: "Tetap", Data: tetap, Color: "#9e9e9e"}}, sumbu{legend: true}),
			Tabel: Tabel{Kolom: []Kolom{{Label: "Tahun buku", Tipe: "teks"}, {Label: "Naik", Tipe: "angka"}, {Label: "Turun", Tipe: "angka"}, {Label: "Tetap", Tipe: "angka"}}, Baris: rows}})
		// the list of cooperatives that dropped in their latest assessment
		turunRows, err := b.src.rows("kesehatan_turun", b.aturan())
		if err != nil {
			return nil, fmt.Errorf("kesehatan turun: %w", err)
		}
		pn := &Panel{ID: "turun", Judul: "Koperasi yang turun kategori pada penilaian terakhir", Lebar: true, BatasBaris: 100,
			Tabel: Tabel{Kolom: []Kolom{{Label: "NIK", Tipe: "teks"}, {Label: "Koperasi", Tipe: "teks", Href: "koperasi.html#", HrefKol: 0},
				{Label: "Kabupaten/kota", Tipe: "teks"}, {Label: "Tahun buku", Tipe: "teks"}, {Label: "Sebelumnya", Tipe: "teks"},
				{Label: "Sekarang", Tipe: "teks"}, {Label: "Skor", Tipe: "desimal"}}, Baris: turunRows}}
		if len(turunRows) == 0 {
			pn.Kosong = "Tidak ada koperasi yang turun kategori pada penilaian terakhirnya."
		}
		p.Panels = append(p.Panels, pn)
	}
	// average score per year and rubric
	rows, err = b.src.rows("kesehatan_skor")
	if err != nil {
		return nil, fmt.Errorf("kesehatan skor: %w", err)
	}
	var tahun []string
	idx := map[string]int{}
	rub := map[string][]float64{}
	var rubrik []string
	for _, r := range rows {
		y := fmt.Sprint(asInt(r[0]))
		if _, ok := idx[y]; !ok {
			idx[y] = len(tahun)
			tahun = append(tahun, y)
		}
		if _, ok := rub[asStr(r[1])]; !ok {
			rubrik = append(rubrik, asStr(r[1]))
			rub[asStr(r[1])] = nil
		}
	}
	for _, k := range rubrik {
		rub[k] = make([]float64, len(tahun))
	}
	for _, r := range rows {
		rub[asStr(r[1])][idx[fmt.Sprint(asInt(r[0]))]] = asFloat(r[2])
	}
	var ss2 []serie
	for i, k := range rubrik {
		ss2 = append(ss2, serie{Name: b.lblRubrik(k), Data: rub[k], Color: b.warna(i)})
	}
	for _, r := range rows {
		r[1] = b.lblRubrik(asStr(r[1]))
	}
	p.Panels = append(p.Panels, &Panel{ID: "skor", Judul: "Skor rata-rata per tahun buku dan rubrik", Format: "desimal",
		Chart: lineChart(tahun, ss2, ""), Tabel: Tabel{Kolom: []Kolom{{Label: "Tahun buku", Tipe: "teks"}, {Label: "Rubrik", Tipe: "teks"},
			{Label: "Skor rata-rata", Tipe: "desimal"}, {Label: "Koperasi", Tipe: "angka"}}, Baris: rows}})
	return p, nil
}

func (b *builder) keaktifan() (*Page, error) {
	p := &Page{File: "keaktifan.html", Key: "keaktifan", Judul: "Keaktifan & RAT",
		Deskripsi: "Dari terdaftar ke aktif ke RAT: koperasi yang melaksanakan Rapat Anggota Tahunan, yang terlambat, dan sebarannya per wilayah."}
	f, err := b.src.rows("keaktifan_corong", sql.Named("batas_rat", b.cfg.Status.BatasRATBulan))
	if err != nil {
		return nil, fmt.Errorf("keaktifan: %w", err)
	}
	r := f[0]
	tb := asInt(r[7])
	tbs := "terakhir"
	if tb > 0 {
		tbs = fmt.Sprint(tb)
	}
	p.Kartu = []Kartu{
		{Label: "Terdaftar", Nilai: Angka(asInt(r[0]))},
		{Label: "Aktif", Nilai: Angka(asInt(r[2])), Warna: warnaStatus["aktif"]},
		{Label: "RAT tahun buku " + tbs, Nilai: Angka(asInt(r[3]))},
		{Label: "RAT terlambat", Nilai: Angka(asInt(r[5])), Warna: "#ffa000", Catatan: fmt.Sprintf("batas %d bulan setelah tutup buku", b.cfg.Status.BatasRATBulan)},
		{Label: "Belum lapor", Nilai: Angka(asInt(r[6])), Warna: "#c62828", Catatan: "tahun buku " + tbs},
	}
	steps := []string{"Terdaftar", "Belum dibubarkan", "Aktif", "RAT tahun buku " + tbs, "RAT tepat waktu"}
	var items []irisan
	var tbl [][]any
	for i, s := range steps {
		items = append(items, irisan{Name: s, Value: asFloat(r[i])})
		tbl = append(tbl, []any{s, r[i]})
	}
	p.Panels = append(p.Panels, &Panel{ID: "corong", Judul: "Dari terdaftar ke RAT", Format: "angka",
		Keterangan: fmt.Sprintf("RAT tepat waktu: paling lambat %d bulan setelah akhir tahun buku.", b.cfg.Status.BatasRATBulan),
		Chart:      funnelChart("Corong", items), Tabel: Tabel{Kolom: []Kolom{{Label: "Tahap", Tipe: "teks"}, {Label: "Koperasi", Tipe: "angka"}}, Baris: tbl}})

	// RAT per tahun buku: on time and late
	rows, err := b.src.rows("keaktifan_rat_tahun", sql.Named("batas_rat", b.cfg.Status.BatasRATBulan))
	if err != nil {
		return nil, fmt.Errorf("RAT per tahun: %w", err)
	}
	var cats []string
	var tepat, telat, tanpa []float64
	for _, r := range rows {
		cats = append(cats, fmt.Sprint(asInt(r[0])))
		tepat = append(tepat, asFloat(r[1]))
		telat = append(telat, asFloat(r[2]))
		tanpa = append(tanpa, asFloat(r[3]))
	}
	p.Panels = append(p.Panels, &Panel{ID: "rat-tahun", Judul: "RAT per tahun buku (dari laporan yang masuk)", Format: "angka",
		Chart: barChart(cats, []serie{{Name: "Tepat waktu", Data: tepat, Color: "#2e7d32", Stack: "r"}, {Name: "Terlambat", Data: telat, Color: "#ffa000", Stack: "r"},
			{Name: "Tanpa tanggal RAT", Data: tanpa, Color: "#bdbdbd", Stack: "r"}}, sumbu{legend: true}),
		Tabel: Tabel{Kolom: []Kolom{{Label: "Tahun buku", Tipe: "teks"}, {Label: "Tepat waktu", Tipe: "angka"}, {Label: "Terlambat", Tipe: "angka"}, {Label: "Tanpa tanggal RAT", Tipe: "angka"}}, Baris: rows}})

	// late RATs and missing reports by region
	rows, err = b.src.rows("keaktifan_wilayah")
	if err != nil {
		return nil, fmt.Errorf("keaktifan per wilayah: %w", err)
	}
	const top = 30
	var wc []string
	var lt, bl, pa []float64
	for i, r := range rows {
		if i >= top {
			break
		}
		wc = append(wc, pendek(asStr(r[1])))
		lt = append(lt, asFloat(r[2]))
		bl = append(bl, asFloat(r[3]))
		pa = append(pa, asFloat(r[5]))
	}
	reverse(wc)
	reverse(lt)
	reverse(bl)
	reverse(pa)
	wk := []Kolom{{Label: "Kode", Tipe: "teks"}, {Label: "Kabupaten/kota", Tipe: "teks", Href: "wilayah.html#", HrefKol: 0},
		{Label: "RAT terlambat", Tipe: "angka"}, {Label: "Belum lapor", Tipe: "angka"}, {Label: "Koperasi", Tipe: "angka"}, {Label: "% aktif", Tipe: "persen"}}
	h := max(320, 60+24*len(wc))
	p.Panels = append(p.Panels, &Panel{ID: "terlambat", Judul: "RAT terlambat dan belum lapor per kabupaten/kota", Format: "angka", Tinggi: h,
		Chart: barChart(wc, []serie{{Name: "RAT terlambat", Data: lt, Color: "#ffa000"}, {Name: "Belum lapor", Data: bl, Color: "#c62828"}}, sumbu{horizontal: true, legend: true}),
		Tabel: Tabel{Kolom: wk, Baris: rows}})
	// share active by region, sorted by share
	sorted := append([][]any{}, rows...)
	sortBy(sorted, 5)
	wc, pa = nil, nil
	for i, r := range sorted {
		if i >= top {
			break
		}
		wc = append(wc, pendek(asStr(r[1])))
		pa = append(pa, asFloat(r[5]))
	}
	reverse(wc)
	reverse(pa)
	p.Panels = append(p.Panels, &Panel{ID: "persen-aktif", Judul: "Persentase koperasi aktif per kabupaten/kota (terendah)", Format: "persen", Tinggi: max(320, 60+24*len(wc)),
		Chart: barChart(wc, []serie{{Name: "% aktif", Data: pa, Color: warnaStatus["aktif"]}}, sumbu{horizontal: true}),
		Tabel: Tabel{Kolom: wk, Baris: sorted}})

	// status by jenis
	rows, err = b.src.rows("keaktifan_jenis")
	if err != nil {
		return nil, fmt.Errorf("keaktifan per jenis: %w", err)
	}
	var jc []string
	ss := make([]serie, 4)
	for i, k := range urutStatus {
		ss[i] = serie{Name: lblStatus(k), Color: warnaStatus[k], Stack: "s"}
	}
	var jt [][]any
	for _, r := range rows {
		jc = append(jc, lblJenis(asStr(r[0])))
		for i := range ss {
			ss[i].Data = append(ss[i].Data, asFloat(r[1+i]))
		}
		jt = append(jt, []any{lblJenis(asStr(r[0])), r[1], r[2], r[3], r[4], r[5]})
	}
	p.Panels = append(p.Panels, &Panel{ID: "jenis", Judul: "Status keaktifan menurut jenis koperasi", Format: "angka",
		Chart: barChart(jc, ss, sumbu{legend: true}),
		Tabel: Tabel{Kolom: []Kolom{{Label: "Jenis", Tipe: "teks"}, {Label: "Aktif", Tipe: "angka"}, {Label: "Tidak aktif", Tipe: "angka"},
			{Label: "Baru", Tipe: "angka"}, {Label: "Dibubarkan", Tipe: "angka"}, {Label: "Jumlah", Tipe: "angka"}}, Baris: jt}})
	return p, nil
}

// sortBy sorts rows ascending by a numeric column (stable).
func sortBy(rows [][]any, col int) {
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && asFloat(rows[j][col]) < asFloat(rows[j-1][col]); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

func (b *builder) kelengkapan() (*Page, error) {
	p := &Page{File: "kelengkapan.html", Key: "kelengkapan", Judul: "Kelengkapan Laporan",
		Deskripsi: "Laporan yang diharapkan dan yang masuk per tahun buku dan wilayah. Tingkat pelaporan (reporting rate, ukuran DHIS2) = laporan masuk ÷ laporan diharapkan; tepat waktu = masuk sebelum batas lapor."}
	if !b.src.has("mart.kelengkapan_laporan", "level", "kode_wilayah", "tahun_buku", "expected_reports", "actual_reports", "actual_reports_on_time") {
		p.Kosong = "Tabel kelengkapan laporan (mart.kelengkapan_laporan) belum ada: jalankan pantau transform."
		return p, nil
	}
	years, err := b.src.rows("kelengkapan_tahun")
	if err != nil {
		return nil, fmt.Errorf("kelengkapan: %w", err)
	}
	if len(years) == 0 {
		p.Kosong = "Belum ada laporan tahunan yang diterima, sehingga kelengkapan belum dapat dihitung."
		return p, nil
	}
	last := years[len(years)-1]
	p.Kartu = []Kartu{
		{Label: "Tahun buku", Nilai: fmt.Sprint(asInt(last[0]))},
		{Label: "Laporan diharapkan", Nilai: Angka(asInt(last[1]))},
		{Label: "Laporan masuk", Nilai: Angka(asInt(last[2]))},
		{Label: "Tingkat pelaporan", Nilai: Persen(asFloat(last[4]))},
		{Label: "Tepat waktu", Nilai: Persen(asFloat(last[5])), Catatan: fmt.Sprintf("paling lambat %d bulan setelah tutup buku", b.cfg.Status.BatasLaporBulan)},
	}
	var cats []string
	var exp, act, rate, ontime []float64
	for _, r := range years {
		cats = append(cats, fmt.Sprint(asInt(r[0])))
		exp = append(exp, asFloat(r[1]))
		act = append(act, asFloat(r[2]))
		rate = append(rate, asFloat(r[4]))
		ontime = append(ontime, asFloat(r[5]))
	}
	yk := []Kolom{{Label: "Tahun buku", Tipe: "teks"}, {Label: "Laporan diharapkan", Tipe: "angka"}, {Label: "Laporan masuk", Tipe: "angka"},
		{Label: "Masuk tepat waktu", Tipe: "angka"}, {Label: "Tingkat pelaporan (%)", Tipe: "persen"}, {Label: "Tingkat pelaporan tepat waktu (%)", Tipe: "persen"}}
	p.Panels = append(p.Panels,
		&Panel{ID: "tren", Judul: "Tingkat pelaporan per tahun buku", Format: "persen",
			Chart: lineChart(cats, []serie{{Name: "Tingkat pelaporan", Data: rate, Color: b.warna(0)}, {Name: "Tepat waktu", Data: ontime, Color: b.warna(1)}}, ""),
			Tabel: Tabel{Kolom: yk, Baris: years}},
		&Panel{ID: "jumlah", Judul: "Laporan diharapkan dan masuk per tahun buku", Format: "angka",
			Chart: barChart(cats, []serie{{Name: "Diharapkan", Data: exp, Color: "#9e9e9e"}, {Name: "Masuk", Data: act, Color: b.warna(0)}}, sumbu{legend: true}),
			Tabel: Tabel{Kolom: yk, Baris: years}})

	// by kab/kota, latest year
	kab, err := b.src.rows("kelengkapan_kabupaten", sql.Named("tahun", last[0]))
	if err != nil {
		return nil, fmt.Errorf("kelengkapan wilayah: %w", err)
	}
	var kc []string
	var kr, ko []float64
	for i, r := range kab {
		if i >= 30 {
			break
		}
		kc = append(kc, pendek(asStr(r[1])))
		kr = append(kr, asFloat(r[5]))
		ko = append(ko, asFloat(r[6]))
	}
	reverse(kc)
	reverse(kr)
	reverse(ko)
	kk := []Kolom{{Label: "Kode", Tipe: "teks"}, {Label: "Wilayah", Tipe: "teks", Href: "wilayah.html#", HrefKol: 0}, {Label: "Laporan diharapkan", Tipe: "angka"},
		{Label: "Laporan masuk", Tipe: "angka"}, {Label: "Masuk tepat waktu", Tipe: "angka"},
		{Label: "Tingkat pelaporan (%)", Tipe: "persen"}, {Label: "Tingkat pelaporan tepat waktu (%)", Tipe: "persen"}}
	p.Panels = append(p.Panels, &Panel{ID: "kabupaten", Judul: fmt.Sprintf("Tingkat pelaporan per kabupaten/kota, tahun buku %d", asInt(last[0])),
		Keterangan: "Diurutkan dari yang terendah.", Format: "persen", Lebar: true, Tinggi: max(320, 60+24*len(kc)),
		Chart: barChart(kc, []serie{{Name: "Tingkat pelaporan", Data: kr, Color: b.warna(0)}, {Name: "Tepat waktu", Data: ko, Color: b.warna(1)}}, sumbu{horizontal: true, legend: true}),
		Tabel: Tabel{Kolom: kk, Baris: kab}})

	// kab × year matrix of rates
	mx, err := b.src.rows("kelengkapan_matriks")
	if err != nil {
		return nil, err
	}
	col := map[int64]int{}
	mk := []Kolom{{Label: "Kode", Tipe: "teks"}, {Label: "Wilayah", Tipe: "teks", Href: "wilayah.html#", HrefKol: 0}}
	for i, r := range years {
		col[asInt(r[0])] = 2 + i
		mk = append(mk, Kolom{Label: fmt.Sprintf("%d (%%)", asInt(r[0])), Tipe: "persen"})
	}
	var mt [][]any
	idx := map[string]int{}
	for _, r := range mx {
		k := asStr(r[0]) + "|" + asStr(r[1])
		i, ok := idx[k]
		if !ok {
			i = len(mt)
			idx[k] = i
			mt = append(mt, make([]any, len(mk)))
			mt[i][0], mt[i][1] = r[0], r[1]
		}
		if c, ok := col[asInt(r[2])]; ok {
			mt[i][c] = r[3]
		}
	}
	p.Panels = append(p.Panels, &Panel{ID: "matriks", Judul: "Tingkat pelaporan (%) per kabupaten/kota dan tahun buku", Lebar: true, BatasBaris: 600,
		Tabel: Tabel{Kolom: mk, Baris: mt}})

	// lowest kecamatan, latest year
	kec, err := b.src.rows("kelengkapan_kecamatan", sql.Named("tahun", last[0]))
	if err != nil {
		return nil, err
	}
	var cc []string
	var cr []float64
	for i, r := range kec {
		if i >= 15 {
			break
		}
		cc = append(cc, asStr(r[1])+" ("+strings.TrimPrefix(pendek(asStr(r[2])), "Kab. ")+")")
		cr = append(cr, asFloat(r[5]))
	}
	reverse(cc)
	reverse(cr)
	p.Panels = append(p.Panels, &Panel{ID: "kecamatan", Judul: fmt.Sprintf("Kecamatan dengan tingkat pelaporan terendah, tahun buku %d", asInt(last[0])),
		Keterangan: "Kecamatan dengan sedikitnya 3 laporan diharapkan.", Format: "persen", Lebar: true, Tinggi: max(320, 60+24*len(cc)),
		Chart: barChart(cc, []serie{{Name: "Tingkat pelaporan", Data: cr, Color: "#c62828"}}, sumbu{horizontal: true}),
		Tabel: Tabel{Kolom: []Kolom{{Label: "Kode", Tipe: "teks"}, {Label: "Kecamatan", Tipe: "teks"}, {Label: "Kabupaten/kota", Tipe: "teks"},
			{Label: "Laporan diharapkan", Tipe: "angka"}, {Label: "Laporan masuk", Tipe: "angka"}, {Label: "Tingkat pelaporan (%)", Tipe: "persen"},
			{Label: "Tingkat pelaporan tepat waktu (%)", Tipe: "persen"}}, Baris: kec}})
	return p, nil
}
