package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pantau-koperasi/pantau/internal/fields"
)

// style of a generated report file.
type style int

const (
	clean     style = iota // the template's labels and canonical codes
	messyXLSX              // titles, merged two-row header, text numbers, names, totals row
	messyCSV               // ";" delimiter, Indonesian numbers and dates, written names
)

// WriteFiles writes the register and one report file per kab/kota per tahun buku into dir, and
// returns the paths. A few rows carry mistakes real files have, so quarantine has something to show.
func (d *Dataset) WriteFiles(dir string, seed uint64) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(seed^0xabcdef, seed+17))
	var paths []string
	reg := filepath.Join(dir, "daftar_koperasi_"+slug(d.Provinsi.Nama)+".xlsx")
	if err := d.writeRegister(reg); err != nil {
		return nil, err
	}
	paths = append(paths, reg)
	byKab := map[string][]*Koperasi{}
	for _, k := range d.Koperasi {
		byKab[k.KodeKab] = append(byKab[k.KodeKab], k)
	}
	for y := d.FirstYear; y <= d.LastYear; y++ {
		for _, kab := range d.Kabupaten {
			var rows []rowOut
			for _, k := range byKab[kab.Kode] {
				for _, rep := range k.Reports {
					if rep.Tahun == y {
						rows = append(rows, rowOut{k, rep})
					}
				}
			}
			if len(rows) == 0 {
				continue
			}
			st := style(r.IntN(3))
			if y == d.FirstYear && kab.Kode == d.Kabupaten[0].Kode {
				st = messyXLSX // the first file is always a messy one, so the demo shows it
			}
			base := fmt.Sprintf("laporan_%d_%s", y, slug(kab.Nama))
			var p string
			var err error
			switch st {
			case clean:
				p = filepath.Join(dir, base+".xlsx")
				err = writeCleanXLSX(p, y, rows)
			case messyXLSX:
				p = filepath.Join(dir, base+".xlsx")
				err = d.writeMessyXLSX(p, y, kab.Nama, rows, r)
			case messyCSV:
				p = filepath.Join(dir, base+".csv")
				err = d.writeMessyCSV(p, y, rows, r)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			paths = append(paths, p)
		}
	}
	// Staff often send the same file twice under another name: it must not count twice.
	if len(paths) > 2 {
		b, err := os.ReadFile(paths[1])
		if err != nil {
			return nil, err
		}
		dup := strings.TrimSuffix(paths[1], filepath.Ext(paths[1])) + " (1)" + filepath.Ext(paths[1])
		if err := os.WriteFile(dup, b, 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, dup)
	}
	return paths, nil
}

type rowOut struct {
	k   *Koperasi
	rep Report
}

func slug(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("kabupaten ", "kab_", "kota ", "kota_", " ", "_", ".", "", "'", "").Replace(s)
	return s
}

func (d *Dataset) writeRegister(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Daftar Koperasi"
	f.SetSheetName("Sheet1", sh)
	head := []string{"No", "NIK", "Nama Koperasi", "Nomor Badan Hukum", "Tanggal Badan Hukum", "Bentuk", "Jenis Koperasi",
		"Kelompok", "Sektor Usaha", "Alamat", "Kode Wilayah", "Nama Ketua", "No. HP", "Tanggal Pembubaran"}
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err := sw.SetRow("A1", []any{"DAFTAR KOPERASI " + strings.ToUpper(d.Provinsi.Nama)}); err != nil {
		return err
	}
	if err := sw.SetRow("A3", toAny(head)); err != nil {
		return err
	}
	for i, k := range d.Koperasi {
		var bubar any
		if k.TanggalBubar != nil {
			bubar = excelize.Cell{Value: *k.TanggalBubar, StyleID: dateStyle}
		}
		row := []any{i + 1, k.NIK, k.Nama, k.NomorBH, excelize.Cell{Value: k.TanggalBH, StyleID: dateStyle}, k.Bentuk, k.Jenis,
			k.Kelompok, k.Sektor, k.Alamat, k.KodeDesa, k.NamaKetua, k.Telepon, bubar}
		cell, _ := excelize.CoordinatesToCellName(1, i+4)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

var kspNames = func() []string {
	var out []string
	for _, f := range fields.All() {
		if f.Group == fields.KeuanganKSP || f.Group == fields.Manajemen {
			out = append(out, f.Name)
		}
	}
	return out
}()

// writeCleanXLSX: the template layout — one header row of canonical labels, numeric cells, date cells.
func writeCleanXLSX(path string, y int, rows []rowOut) error {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Laporan"
	f.SetSheetName("Sheet1", sh)
	labels := []string{"nik", "nama_koperasi", "tahun_buku", "tanggal_rat", "jenis", "kelompok", "bentuk", "kode_wilayah",
		"anggota_pria", "anggota_wanita", "jumlah_manajer", "jumlah_karyawan", "simpanan_pokok", "simpanan_wajib",
		"dana_cadangan", "hibah", "modal_sendiri", "modal_luar", "total_aset", "volume_usaha", "shu"}
	labels = append(labels, kspNames...)
	head := make([]any, len(labels))
	for i, n := range labels {
		fl, _ := fields.Lookup(n)
		head[i] = fl.Label
		if fl.Unit == "Rp" {
			head[i] = fl.Label + " (Rp)"
		}
	}
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	moneyStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 3})
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, ro := range rows {
		k, rep := ro.k, ro.rep
		var rat any
		if rep.TanggalRAT != nil {
			rat = excelize.Cell{Value: *rep.TanggalRAT, StyleID: dateStyle}
		}
		m := func(v int64) any { return excelize.Cell{Value: v, StyleID: moneyStyle} }
		vals := []any{k.NIK, k.Nama, y, rat, k.Jenis, k.Kelompok, k.Bentuk, k.KodeDesa, rep.Pria, rep.Wanita, rep.Manajer,
			rep.Karyawan, m(rep.Pokok), m(rep.Wajib), m(rep.Cadangan), m(rep.Hibah), m(rep.ModalSendiri()), m(rep.ModalLuar),
			m(rep.Aset), m(rep.Volume), m(rep.SHU)}
		for _, n := range kspNames {
			if v, ok := rep.KSP[n]; ok {
				vals = append(vals, m(v))
			} else if v, ok := rep.Checklist[n]; ok {
				vals = append(vals, v)
			} else {
				vals = append(vals, nil)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// writeMessyXLSX: as a kab/kota office types it — titles, a merged two-row header, money as text in
// several styles, dates as text, region names, a No column, a blank row and a JUMLAH row.
func (d *Dataset) writeMessyXLSX(path string, y int, kabNama string, rows []rowOut, r *rand.Rand) error {
	f := excelize.NewFile()
	defer f.Close()
	sh := "TB " + strconv.Itoa(y)
	f.SetSheetName("Sheet1", sh)
	set := func(col, row int, v any) {
		c, _ := excelize.CoordinatesToCellName(col, row)
		f.SetCellValue(sh, c, v)
	}
	set(1, 1, "REKAPITULASI DATA KOPERASI")
	set(1, 2, strings.ToUpper(kabNama))
	set(1, 3, fmt.Sprintf("TAHUN BUKU %d", y))
	top := []string{"No", "NIK", "Nama Koperasi", "Jenis Koperasi", "Kab/Kota", "Kecamatan", "Desa/Kel.", "Jumlah Anggota", "", "",
		"Simpanan", "", "Dana Cadangan", "Hibah", "Modal Luar (Rp)", "Jml Aset", "Vol. Usaha", "SHU", "Tgl RAT"}
	sub := []string{"", "", "", "", "", "", "", "Pria", "Wanita", "Jumlah", "Pokok", "Wajib", "", "", "", "", "", "", ""}
	for i := range top {
		set(i+1, 5, top[i])
		set(i+1, 6, sub[i])
	}
	f.MergeCell(sh, "H5", "J5")
	f.MergeCell(sh, "K5", "L5")
	for _, c := range []string{"A", "B", "C", "D", "E", "F", "G", "M", "N", "O", "P", "Q", "R", "S"} {
		f.MergeCell(sh, c+"5", c+"6")
	}
	jenisText := map[string][]string{"simpan_pinjam": {"KSP", "Koperasi Simpan Pinjam"}, "simpan_pinjam_syariah": {"KSPPS", "Simpan Pinjam Syariah"},
		"konsumen": {"Konsumen", "Koperasi Konsumen"}, "produsen": {"Produsen"}, "pemasaran": {"Pemasaran"}, "jasa": {"Jasa"},
		"serba_usaha": {"KSU", "Serba Usaha"}}
	row := 7
	var sumMembers int64
	for i, ro := range rows {
		k, rep := ro.k, ro.rep
		if i == len(rows)/2 {
			row++ // a blank row in the middle
		}
		jt := jenisText[k.Jenis]
		jenis := jt[r.IntN(len(jt))]
		kec := "Kec. " + d.Names[k.KodeKec]
		if r.IntN(2) == 0 {
			kec = strings.ToUpper(d.Names[k.KodeKec])
		}
		vals := []any{i + 1, k.NIK, k.Nama, jenis, kabNama, kec, d.Names[k.KodeDesa], rep.Pria, rep.Wanita, rep.Pria + rep.Wanita,
			rupiahText(rep.Pokok, r), rupiahText(rep.Wajib, r), rep.Cadangan, rep.Hibah, rep.ModalLuar, rupiahText(rep.Aset, r),
			rupiahText(rep.Volume, r), shuText(rep.SHU), ""}
		if rep.TanggalRAT != nil {
			vals[18] = tanggalText(*rep.TanggalRAT, r)
		}
		if rep.Hibah == 0 {
			vals[13] = "-"
		}
		// A handful of the mistakes real files have: a number written in words, an impossible total.
		if i == 2 {
			vals[10] = "dua juta"
		}
		if i == 4 {
			vals[9] = rep.Pria + rep.Wanita + 5
		}
		for c, v := range vals {
			set(c+1, row, v)
		}
		sumMembers += rep.Pria + rep.Wanita
		row++
	}
	set(1, row, "JUMLAH")
	f.MergeCell(sh, fmt.Sprintf("A%d", row), fmt.Sprintf("F%d", row))
	set(10, row, sumMembers)
	return f.SaveAs(path)
}

func rupiahText(v int64, r *rand.Rand) any {
	switch r.IntN(4) {
	case 0:
		return v // numeric cell
	case 1:
		return "Rp " + dotted(v)
	case 2:
		return dotted(v)
	}
	if v >= 1_000_000_000 && v%10_000_000 == 0 {
		return strings.ReplaceAll(strconv.FormatFloat(float64(v)/1e9, 'f', -1, 64), ".", ",") + " M"
	}
	if v >= 1_000_000 && v%10_000 == 0 {
		return "Rp. " + strings.ReplaceAll(strconv.FormatFloat(float64(v)/1e6, 'f', -1, 64), ".", ",") + " jt"
	}
	return dotted(v)
}

func shuText(v int64) any {
	if v < 0 {
		return "(" + dotted(-v) + ")"
	}
	return dotted(v)
}

func dotted(v int64) string {
	if v < 0 {
		return "-" + dotted(-v)
	}
	s := strconv.FormatInt(v, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

var bulan = []string{"", "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

func tanggalText(t time.Time, r *rand.Rand) string {
	switch r.IntN(3) {
	case 0:
		return t.Format("02/01/2006")
	case 1:
		return fmt.Sprintf("%d %s %d", t.Day(), bulan[t.Month()], t.Year())
	}
	return fmt.Sprintf("%02d-%s-%d", t.Day(), bulan[t.Month()][:3], t.Year())
}

// writeMessyCSV: Indonesian Excel's CSV — ";" delimiter, "1.250.000,00", dd/mm/yyyy, written jenis.
func (d *Dataset) writeMessyCSV(path string, y int, rows []rowOut, r *rand.Rand) error {
	var buf bytes.Buffer
	buf.WriteString("\xef\xbb\xbf")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.Write([]string{"NIK", "Nama Koperasi", "Tahun Buku", "Jenis", "Kelompok", "Kab/Kota", "Kecamatan", "Jml Anggota",
		"Simp. Pokok", "Simp. Wajib", "Cadangan", "Hibah", "Modal Sendiri", "Modal Luar", "Total Aset", "Volume Usaha", "SHU", "Tanggal RAT"})
	kel := map[string]string{"wanita": "Kopwan", "karyawan": "Kopkar", "pesantren": "Kopontren", "kud": "KUD", "tni_polri": "TNI/Polri",
		"mahasiswa": "Kopma", "guru": "Guru", "pertanian": "Pertanian", "lainnya": "Lainnya"}
	jen := map[string]string{"simpan_pinjam": "Koperasi Simpan Pinjam", "simpan_pinjam_syariah": "KSPPS", "konsumen": "Konsumen",
		"produsen": "Produsen", "pemasaran": "Pemasaran", "jasa": "Jasa", "serba_usaha": "Serba Usaha"}
	for i, ro := range rows {
		k, rep := ro.k, ro.rep
		rat := ""
		if rep.TanggalRAT != nil {
			rat = rep.TanggalRAT.Format("02/01/2006")
		}
		money := func(v int64) string { return dotted(v) + ",00" }
		rec := []string{k.NIK, k.Nama, strconv.Itoa(y), jen[k.Jenis], kel[k.Kelompok], d.Names[k.KodeKab], d.Names[k.KodeKec],
			strconv.FormatInt(rep.Pria+rep.Wanita, 10), money(rep.Pokok), money(rep.Wajib), money(rep.Cadangan), money(rep.Hibah),
			money(rep.ModalSendiri()), money(rep.ModalLuar), money(rep.Aset), money(rep.Volume), money(rep.SHU), rat}
		if rep.Hibah == 0 {
			rec[11] = "-"
		}
		if i == 3 && r.IntN(2) == 0 {
			rec[0] = k.NIK[:15] // a NIK with a digit missing
		}
		w.Write(rec)
	}
	w.Flush()
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
