package dashboards

import (
	"fmt"
	"strings"

	"github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
)

// Internal pages (left out of the public build): data quality and follow-up cases. They show counts
// and kinds of problems, never the rejected values themselves (those may hold people's names).

var labelAlasanKarantina = map[string]string{
	"angka_tidak_terbaca": "Angka tidak terbaca", "tanggal_tidak_terbaca": "Tanggal tidak terbaca", "wajib_kosong": "Kolom wajib kosong",
	"nik_tidak_sah": "NIK tidak sah", "tidak_konsisten": "Nilai tidak konsisten", "duplikat_bertentangan": "Duplikat bertentangan",
	"wilayah_tidak_dikenal": "Wilayah tidak dikenal", "kode_tidak_dikenal": "Kode tidak dikenal",
	"angka_ambigu": "Angka ambigu (dua kemungkinan bacaan)",
}

// Check kinds, severities and outcomes (ops.check_results codes, dbt's vocabulary) as staff read them.
var (
	labelJenisCek = map[string]string{"not_null": "wajib terisi", "unique": "unik", "relationships": "relasi", "range": "rentang",
		"expression": "ekspresi", "accepted_values": "nilai yang diterima", "anomaly": "anomali", "freshness": "kesegaran data", "row_count": "jumlah baris"}
	labelTingkatCek = map[string]string{"warn": "peringatan", "error": "galat"}
	labelHasilCek   = map[string]string{"pass": "lolos", "warn": "gagal (peringatan)", "error": "gagal", "fail": "gagal", "skip": "dilewati"}
)

// label is the label of a code from a map, or the code itself when the map does not know it.
func label(m map[string]string, v any) any {
	if l, ok := m[asStr(v)]; ok {
		return l
	}
	return v
}

func lblAlasan(k string) string {
	if l, ok := labelAlasanKarantina[k]; ok {
		return l
	}
	return k
}

func (b *builder) kualitas() (*Page, error) {
	p := &Page{File: "kualitas.html", Key: "kualitas", Judul: "Kualitas Data",
		Deskripsi: "Baris yang dikarantina saat unggah, masalah yang paling sering, dan hasil pemeriksaan data setiap kali data diolah (tahap pengolahan)."}
	sub, err := b.src.rows("kualitas_kiriman")
	if err != nil {
		return nil, fmt.Errorf("kualitas: %w", err)
	}
	q, err := b.src.rows("kualitas_karantina")
	if err != nil {
		return nil, fmt.Errorf("kualitas karantina: %w", err)
	}
	p.Kartu = []Kartu{
		{Label: "Berkas & kiriman", Nilai: Angka(asInt(sub[0][0]))},
		{Label: "Baris diterima", Nilai: Angka(asInt(sub[0][1])), Warna: "#2e7d32"},
		{Label: "Baris dikarantina", Nilai: Angka(asInt(q[0][1])), Warna: "#c62828", Catatan: Angka(asInt(q[0][0])) + " masalah"},
	}
	// 1. quarantine per month by reason
	rows, err := b.src.rows("kualitas_karantina_bulan")
	if err != nil {
		return nil, err
	}
	cats, ss, tbl := pivot(rows, lblAlasan, b)
	pn := &Panel{ID: "karantina-bulan", Judul: "Masalah karantina per bulan unggah", Format: "angka", Chart: barChart(cats, ss, sumbu{legend: true}),
		Tabel: Tabel{Kolom: []Kolom{{Label: "Bulan", Tipe: "teks"}, {Label: "Alasan", Tipe: "teks"}, {Label: "Masalah", Tipe: "angka"}}, Baris: tbl}}
	if len(rows) == 0 {
		pn.Kosong = "Tidak ada baris yang dikarantina."
	}
	p.Panels = append(p.Panels, pn)

	// 2. most common problems: reason × column
	rows, err = b.src.rows("kualitas_masalah")
	if err != nil {
		return nil, err
	}
	var pc []string
	var pv []float64
	var pt [][]any
	for i, r := range rows {
		l := lblAlasan(asStr(r[0])) + "\n" + asStr(r[1]) // two lines: the reason, then the column
		pt = append(pt, []any{lblAlasan(asStr(r[0])), r[1], r[2]})
		if i < 12 {
			pc = append(pc, l)
			pv = append(pv, asFloat(r[2]))
		}
	}
	reverse(pc)
	reverse(pv)
	pn = &Panel{ID: "masalah", Judul: "Masalah yang paling sering", Format: "angka", Tinggi: max(320, 60+38*len(pc)),
		Chart: barChart(pc, []serie{{Name: "Masalah", Data: pv, Color: "#c62828"}}, sumbu{horizontal: true}),
		Tabel: Tabel{Kolom: []Kolom{{Label: "Alasan", Tipe: "teks"}, {Label: "Kolom", Tipe: "teks"}, {Label: "Masalah", Tipe: "angka"}}, Baris: pt}}
	if len(rows) == 0 {
		pn.Kosong = "Tidak ada baris yang dikarantina."
	}
	p.Panels = append(p.Panels, pn)

	// 3. submissions per month
	rows, err = b.src.rows("kualitas_kiriman_bulan")
	if err != nil {
		return nil, err
	}
	var mc []string
	var ma, mq []float64
	for _, r := range rows {
		mc = append(mc, asStr(r[0]))
		ma = append(ma, asFloat(r[2]))
		mq = append(mq, asFloat(r[3]))
	}
	pn = &Panel{ID: "kiriman", Judul: "Baris diterima dan dikarantina per bulan", Format: "angka",
		Chart: barChart(mc, []serie{{Name: "Diterima", Data: ma, Color: "#2e7d32", Stack: "b"}, {Name: "Dikarantina", Data: mq, Color: "#c62828", Stack: "b"}}, sumbu{legend: true}),
		Tabel: Tabel{Kolom: []Kolom{{Label: "Bulan", Tipe: "teks"}, {Label: "Berkas", Tipe: "angka"}, {Label: "Baris diterima", Tipe: "angka"}, {Label: "Baris dikarantina", Tipe: "angka"}}, Baris: rows}}
	if len(rows) == 0 {
		pn.Kosong = "Belum ada berkas yang diterima."
	}
	p.Panels = append(p.Panels, pn)

	// 4–5. check results
	if !b.src.has("ops.check_results", "run_id", "check_name", "severity", "level", "status", "failing_count") {
		p.Panels = append(p.Panels, &Panel{ID: "cek", Judul: "Hasil pemeriksaan data", Kosong: "Hasil pemeriksaan data belum ada (tabel ops.check_results belum dibuat)."})
		return p, nil
	}
	rows, err = b.src.rows("kualitas_cek_tren")
	if err != nil {
		return nil, err
	}
	reverse(rows)
	var rc []string
	var lulus, warn, gagal, baris []float64
	for _, r := range rows {
		rc = append(rc, fmt.Sprintf("#%d", asInt(r[0])))
		lulus = append(lulus, asFloat(r[1]))
		warn = append(warn, asFloat(r[2]))
		gagal = append(gagal, asFloat(r[3]))
		baris = append(baris, asFloat(r[4]))
	}
	pn = &Panel{ID: "cek-tren", Judul: "Hasil pemeriksaan per proses pengolahan", Format: "angka", Lebar: true,
		Keterangan: "Jumlah pemeriksaan yang lulus, memberi peringatan atau gagal (30 proses terakhir), dan baris yang gagal (sumbu kanan).",
		Chart: barChart(rc, []serie{{Name: "Lulus", Data: lulus, Color: "#2e7d32", Stack: "c"}, {Name: "Peringatan", Data: warn, Color: "#ffa000", Stack: "c"},
			{Name: "Gagal", Data: gagal, Color: "#c62828", Stack: "c"}, {Name: "Baris gagal", Data: baris, Color: "#37474f", Line: true, Right: true}}, sumbu{legend: true, kanan: "angka"}),
		Tabel: Tabel{Kolom: []Kolom{{Label: "Proses", Tipe: "teks"}, {Label: "Lulus", Tipe: "angka"}, {Label: "Peringatan", Tipe: "angka"}, {Label: "Gagal", Tipe: "angka"}, {Label: "Baris gagal", Tipe: "angka"}}, Baris: rows}}
	if len(rows) == 0 {
		pn.Kosong = "Pemeriksaan data belum pernah dijalankan."
	}
	p.Panels = append(p.Panels, pn)
	rows, err = b.src.rows("kualitas_cek_terakhir")
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		r[0] = strings.ReplaceAll(asStr(r[0]), "_", " ") // check names are Indonesian snake_case codes
		r[1], r[2], r[3] = label(labelJenisCek, r[1]), label(labelTingkatCek, r[2]), label(labelHasilCek, r[3])
	}
	pn = &Panel{ID: "cek-terakhir", Judul: "Pemeriksaan pada proses terakhir", Lebar: true, BatasBaris: 200,
		Tabel: Tabel{Kolom: []Kolom{{Label: "Pemeriksaan", Tipe: "teks"}, {Label: "Jenis", Tipe: "teks"}, {Label: "Tingkat", Tipe: "teks"}, {Label: "Hasil", Tipe: "teks"}, {Label: "Baris gagal", Tipe: "angka"}}, Baris: rows}}
	if len(rows) == 0 {
		pn.Kosong = "Pemeriksaan data belum pernah dijalankan."
	}
	p.Panels = append(p.Panels, pn)
	return p, nil
}

// pivot turns (category, series, value) rows into stacked bar series.
func pivot(rows [][]any, label func(string) string, b *builder) ([]string, []serie, [][]any) {
	var cats, keys []string
	ci := map[string]int{}
	ki := map[string]int{}
	for _, r := range rows {
		c, k := asStr(r[0]), asStr(r[1])
		if _, ok := ci[c]; !ok {
			ci[c] = len(cats)
			cats = append(cats, c)
		}
		if _, ok := ki[k]; !ok {
			ki[k] = len(keys)
			keys = append(keys, k)
		}
	}
	ss := make([]serie, len(keys))
	for i, k := range keys {
		ss[i] = serie{Name: label(k), Data: make([]float64, len(cats)), Color: b.warna(i), Stack: "p"}
	}
	var tbl [][]any
	for _, r := range rows {
		ss[ki[asStr(r[1])]].Data[ci[asStr(r[0])]] = asFloat(r[2])
		tbl = append(tbl, []any{r[0], label(asStr(r[1])), r[2]})
	}
	return cats, ss, tbl
}

// lblKasus is the Indonesian label of a follow-up reason code (the follow-up package's list).
func lblKasus(k string) string {
	if l, ok := tindaklanjut.AlasanLabel[k]; ok {
		return l
	}
	return k
}

// labelStatusKasus is the label of a case status (tindaklanjut.Status.Label); ok is false for a
// word that is no status.
func labelStatusKasus(k string) (string, bool) {
	for _, s := range tindaklanjut.Statuses {
		if s.String() == k {
			return s.Label(), true
		}
	}
	return "", false
}

func (b *builder) tindakLanjut() (*Page, error) {
	p := &Page{File: "tindak-lanjut.html", Key: "tindak-lanjut", Judul: "Tindak Lanjut",
		Deskripsi: "Kasus pembinaan koperasi yang masih terbuka: alasannya, umurnya, dan petugas yang menanganinya."}
	if !b.src.has("mart.tindak_lanjut", "id", "nik", "alasan", "status", "prioritas", "petugas", "dibuat_pada") {
		p.Kosong = "Belum ada data tindak lanjut. Kasus muncul di sini setelah tahap penilaian membuat tabel mart.tindak_lanjut."
		return p, nil
	}
	c, err := b.src.rows("tl_jumlah")
	if err != nil {
		return nil, fmt.Errorf("tindak lanjut: %w", err)
	}
	if asInt(c[0][3]) == 0 {
		p.Kosong = "Belum ada data tindak lanjut: belum ada kasus yang dibuat."
		return p, nil
	}
	p.Kartu = []Kartu{{Label: "Kasus terbuka", Nilai: Angka(asInt(c[0][0])), Warna: "#ffa000"},
		{Label: "Lewat jatuh tempo", Nilai: Angka(asInt(c[0][1])), Warna: "#c62828"},
		{Label: "Selesai", Nilai: Angka(asInt(c[0][2])), Warna: "#2e7d32"},
		{Label: "Semua kasus", Nilai: Angka(asInt(c[0][3]))}}
	simple := func(id, judul, q, head string, horiz bool, color string) error { // q: a query name
		rows, err := b.src.rows(q)
		if err != nil {
			return fmt.Errorf("tindak lanjut %s: %w", id, err)
		}
		var cats []string
		var v []float64
		for _, r := range rows {
			if id == "alasan" {
				r[0] = lblKasus(asStr(r[0]))
			}
			cats = append(cats, asStr(r[0]))
			v = append(v, asFloat(r[1]))
		}
		if horiz {
			reverse(cats)
			reverse(v)
		}
		pn := &Panel{ID: id, Judul: judul, Format: "angka", Tinggi: max(300, 60+26*len(cats)),
			Chart: barChart(cats, []serie{{Name: "Kasus", Data: v, Color: color}}, sumbu{horizontal: horiz}),
			Tabel: Tabel{Kolom: []Kolom{{Label: head, Tipe: "teks"}, {Label: "Kasus terbuka", Tipe: "angka"}}, Baris: rows}}
		if len(rows) == 0 {
			pn.Kosong = "Tidak ada kasus terbuka."
		}
		p.Panels = append(p.Panels, pn)
		return nil
	}
	if err := simple("alasan", "Kasus terbuka menurut alasan", "tl_alasan", "Alasan", true, b.warna(0)); err != nil {
		return nil, err
	}
	if err := simple("umur", "Umur kasus terbuka", "tl_umur", "Umur", false, "#ffa000"); err != nil {
		return nil, err
	}
	if err := simple("petugas", "Kasus terbuka per petugas", "tl_petugas", "Petugas", true, b.warna(1)); err != nil {
		return nil, err
	}
	if err := simple("prioritas", "Kasus terbuka menurut prioritas", "tl_prioritas", "Prioritas", false, b.warna(3)); err != nil {
		return nil, err
	}
	st, err := b.src.rows("tl_status")
	if err != nil {
		return nil, err
	}
	var items []irisan
	col := map[string]string{"baru": "#1565c0", "diproses": "#ffa000", "selesai": "#2e7d32", "dibatalkan": "#9e9e9e"}
	for _, r := range st {
		l, _ := labelStatusKasus(asStr(r[0]))
		if l == "" {
			l = asStr(r[0])
		}
		items = append(items, irisan{l, asFloat(r[1]), col[asStr(r[0])]})
	}
	pn := &Panel{ID: "status", Judul: "Semua kasus menurut status", Format: "angka", Chart: pieChart("Status", items),
		Tabel: Tabel{Kolom: []Kolom{{Label: "Status", Tipe: "teks"}, {Label: "Kasus", Tipe: "angka"}}, Baris: st}}
	if len(st) == 0 {
		pn.Kosong = "Belum ada kasus tindak lanjut."
	}
	p.Panels = append(p.Panels, pn)
	list, err := b.src.rows("tl_daftar")
	if err != nil {
		return nil, err
	}
	for _, r := range list {
		r[3] = lblKasus(asStr(r[3]))
		if l, ok := labelStatusKasus(asStr(r[6])); ok {
			r[6] = l
		}
	}
	pn = &Panel{ID: "daftar", Judul: "Kasus terbuka, jatuh tempo terdekat dulu", Lebar: true, BatasBaris: 100,
		Tabel: Tabel{Kolom: []Kolom{{Label: "No. kasus", Tipe: "teks"}, {Label: "NIK", Tipe: "teks"}, {Label: "Koperasi", Tipe: "teks", Href: "koperasi.html#", HrefKol: 1},
			{Label: "Alasan", Tipe: "teks"}, {Label: "Prioritas", Tipe: "teks"}, {Label: "Petugas", Tipe: "teks"}, {Label: "Status", Tipe: "teks"},
			{Label: "Dibuat", Tipe: "tanggal"}, {Label: "Jatuh tempo", Tipe: "tanggal"}}, Baris: list}}
	if len(list) == 0 {
		pn.Kosong = "Tidak ada kasus terbuka."
	}
	p.Panels = append(p.Panels, pn)
	return p, nil
}
