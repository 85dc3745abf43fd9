package tindaklanjut

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

// exportRow is an open case with what a field visit needs.
type exportRow struct {
	c                                     Case
	alamat, desa, ketua, kecamatan, kabko string
	catatanTerakhir                       string
}

func openCases(ctx context.Context, wh *warehouse.Warehouse) ([]exportRow, error) {
	db := wh.DB()
	cols := `'', '', '', '', ''`
	join := ``
	if tableExists(ctx, db, "mart", "koperasi") {
		cols = `coalesce(k.alamat, ''), coalesce(k.desa_kelurahan, ''), coalesce(k.nama_ketua, ''), coalesce(k.kecamatan, ''), coalesce(k.kabupaten_kota, '')`
		join = ` LEFT JOIN mart.koperasi k ON k.nik = t.nik`
	}
	q := `SELECT ` + caseCols + `, ` + cols + `,
		coalesce((SELECT c.teks FROM ops.tindak_lanjut_catatan c WHERE c.kasus_id = t.id ORDER BY c.pada DESC, c.id DESC LIMIT 1), '')
		FROM ops.tindak_lanjut t` + join + ` WHERE t.status IN ('baru', 'diproses')
		ORDER BY 20 NULLS LAST, 19 NULLS LAST, CASE t.prioritas WHEN 'tinggi' THEN 1 WHEN 'sedang' THEN 2 ELSE 3 END, t.nama_koperasi, t.id`
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exportRow
	for rows.Next() {
		var r exportRow
		c, err := scanCase(rows, &r.alamat, &r.desa, &r.ketua, &r.kecamatan, &r.kabko, &r.catatanTerakhir)
		if err != nil {
			return nil, err
		}
		r.c = c
		out = append(out, r)
	}
	return out, rows.Err()
}

// teguran reasons are the RAT and reporting failures a letter is drafted for.
var teguran = map[string]bool{AlasanTidakAktif: true, AlasanRATTerlambat: true, AlasanBelumLapor: true}

// Perihal is the subject line of the draft letter for a case.
func Perihal(c Case) string {
	y := ""
	if c.TahunBuku != nil {
		y = " tahun buku " + strconv.Itoa(*c.TahunBuku)
	}
	switch c.Alasan {
	case AlasanRATTerlambat:
		return "Teguran atas belum dilaksanakannya Rapat Anggota Tahunan" + y
	case AlasanBelumLapor:
		return "Teguran atas belum disampaikannya laporan tahunan koperasi" + y
	case AlasanTidakAktif:
		return "Teguran atas tidak dilaksanakannya Rapat Anggota Tahunan tiga tahun buku berturut-turut"
	}
	return AlasanLabel[c.Alasan]
}

// ExportXLSX writes the open cases to w as an XLSX workbook: sheet "Kasus Terbuka" grouped by
// kabupaten/kota and kecamatan for field visits, sheet "Surat Teguran", the draft letter list for RAT
// and reporting failures, and sheet "Rekap", open cases per kecamatan and reason. kodeSurat is the letter-number pattern ({no}, {tahun}).
func ExportXLSX(ctx context.Context, wh *warehouse.Warehouse, w io.Writer, asOf time.Time, kodeSurat string) (int, error) {
	rows, err := openCases(ctx, wh)
	if err != nil {
		return 0, err
	}
	f := excelize.NewFile()
	defer f.Close()
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	group, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#DDEBF7"}}})
	const s1, s2 = "Kasus Terbuka", "Surat Teguran"
	if err := f.SetSheetName("Sheet1", s1); err != nil {
		return 0, err
	}
	if _, err := f.NewSheet(s2); err != nil {
		return 0, err
	}
	put := func(sheet string, row int, style int, vals ...any) {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		_ = f.SetSheetRow(sheet, cell, &vals)
		if style != 0 {
			end, _ := excelize.CoordinatesToCellName(max(len(vals), 1), row)
			_ = f.SetCellStyle(sheet, cell, end, style)
		}
	}
	put(s1, 1, bold, fmt.Sprintf("Daftar kasus tindak lanjut terbuka per %s", asOf.Format("02-01-2006")))
	put(s1, 3, bold, "No", "ID Kasus", "NIK", "Nama Koperasi", "Alamat", "Desa/Kelurahan", "Alasan", "Keterangan", "Prioritas", "Petugas",
		"Jatuh Tempo", "Status", "Catatan Terakhir", "Hasil Kunjungan")
	r := 4
	prev := "\x00"
	no := 0
	counts := map[string]int{}
	for _, x := range rows {
		counts[x.kabko+"|"+x.kecamatan]++
	}
	for _, x := range rows {
		key := x.kabko + "|" + x.kecamatan
		if key != prev {
			kec, kab := x.kecamatan, x.kabko
			if kec == "" {
				kec = "(kecamatan tidak diketahui)"
			}
			label := "Kecamatan " + kec
			if kab != "" {
				label += ", " + kab
			}
			put(s1, r, group, fmt.Sprintf("%s — %d kasus", label, counts[key]))
			r++
			prev = key
			no = 0
		}
		no++
		var due any
		if x.c.JatuhTempo != nil {
			due = x.c.JatuhTempo.Format("2006-01-02")
		}
		put(s1, r, 0, no, x.c.ID, x.c.NIK, x.c.NamaKoperasi, x.alamat, x.desa, AlasanLabel[x.c.Alasan], x.c.Keterangan, x.c.Prioritas,
			x.c.Petugas, due, x.c.Status.String(), x.catatanTerakhir, "")
		r++
	}
	put(s2, 1, bold, "Daftar konsep surat teguran (RAT dan pelaporan) — periksa sebelum ditandatangani")
	put(s2, 3, bold, "No", "Nomor Surat (konsep)", "Tanggal", "Kepada (Ketua)", "Nama Koperasi", "NIK", "Alamat", "Kecamatan", "Perihal",
		"Dasar", "ID Kasus")
	r, n := 4, 0
	for _, x := range rows {
		if !teguran[x.c.Alasan] {
			continue
		}
		n++
		nomor := strings.NewReplacer("{no}", fmt.Sprintf("%03d", n), "{tahun}", strconv.Itoa(asOf.Year())).Replace(kodeSurat)
		ketua := x.ketua
		if ketua == "" {
			ketua = "Ketua Pengurus"
		}
		put(s2, r, 0, n, nomor, asOf.Format("2006-01-02"), ketua, x.c.NamaKoperasi, x.c.NIK, x.alamat, x.kecamatan, Perihal(x.c), x.c.Keterangan, x.c.ID)
		r++
	}
	// Rekap: open cases per kecamatan and reason, to plan the visits.
	const s3 = "Rekap"
	if _, err := f.NewSheet(s3); err != nil {
		return 0, err
	}
	reasons := alasanCodes()
	head := []any{"Kabupaten/Kota", "Kecamatan"}
	for _, a := range reasons {
		head = append(head, AlasanLabel[a])
	}
	head = append(head, "Jumlah")
	put(s3, 1, bold, "Rekap kasus terbuka per kecamatan dan alasan")
	put(s3, 3, bold, head...)
	type kk struct{ kab, kec string }
	var order []kk
	tally := map[kk]map[string]int{}
	for _, x := range rows {
		k := kk{x.kabko, x.kecamatan}
		if tally[k] == nil {
			tally[k] = map[string]int{}
			order = append(order, k)
		}
		tally[k][x.c.Alasan]++
	}
	r = 4
	for _, k := range order {
		vals := []any{k.kab, k.kec}
		total := 0
		for _, a := range reasons {
			vals = append(vals, tally[k][a])
			total += tally[k][a]
		}
		put(s3, r, 0, append(vals, total)...)
		r++
	}
	for _, s := range []string{s1, s2} {
		_ = f.SetColWidth(s, "A", "C", 18)
		_ = f.SetColWidth(s, "D", "J", 30)
		_ = f.SetColWidth(s, "K", "N", 18)
	}
	if err := f.Write(w); err != nil {
		return 0, err
	}
	return len(rows), nil
}
