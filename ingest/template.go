package ingest

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/pantau-koperasi/pantau/internal/fields"
	"github.com/pantau-koperasi/pantau/internal/wilayah"
)

// Sheet names of the submission template.
const (
	TemplateSheetPetunjuk = "Petunjuk"
	TemplateSheetLaporan  = "Laporan"
	TemplateSheetKSP      = "Keuangan KSP"
	templateSheetDaftar   = "Daftar"
	// TemplateRows is how many data rows carry the dropdowns and validation.
	TemplateRows = 2000
)

// TemplateOptions describe the office the template is for.
type TemplateOptions struct {
	Kantor  string // office name, shown on the instruction sheet
	Wilayah string // jurisdiction (dotted Kemendagri code); its kecamatan fill the dropdown
}

// Values offered in the dropdowns; every one is read back by classify.
var (
	templateJenis    = []string{"Simpan Pinjam", "Simpan Pinjam Syariah", "Konsumen", "Produsen", "Pemasaran", "Jasa", "Serba Usaha"}
	templateBentuk   = []string{"Primer", "Sekunder"}
	templateKelompok = []string{"Wanita", "Karyawan", "Pesantren", "KUD", "TNI/Polri", "Mahasiswa", "Guru", "Pertanian", "Lainnya"}
)

// TemplateHeader is the column header of a field in the template: its label and unit.
func TemplateHeader(f fields.Field) string {
	if f.Unit != "" {
		return f.Label + " (" + f.Unit + ")"
	}
	return f.Label
}

// TemplateColumns returns the canonical fields of each data sheet, in column order.
func TemplateColumns() (laporan, ksp []fields.Field) {
	for _, f := range fields.All() {
		switch f.Group {
		case fields.KeuanganKSP, fields.Manajemen:
			ksp = append(ksp, f)
		default:
			laporan = append(laporan, f)
		}
	}
	key := []fields.Field{}
	for _, n := range []string{"nik", "nama_koperasi", "tahun_buku"} {
		f, _ := fields.Lookup(n)
		key = append(key, f)
	}
	return laporan, append(key, ksp...)
}

// kecamatanOf lists the kecamatan names inside a jurisdiction ("" = none listed).
func kecamatanOf(scope string) ([]string, error) {
	if strings.TrimSpace(scope) == "" {
		return nil, nil
	}
	all, err := wilayah.All()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range all {
		if r.Level == 3 && wilayah.InScope(scope, r.Kode) && !seen[r.Nama] {
			seen[r.Nama] = true
			out = append(out, r.Nama)
		}
	}
	sort.Strings(out)
	return out, nil
}

// WriteTemplate writes the XLSX submission template: an instruction sheet in Bahasa Indonesia, the
// report sheet with the canonical columns (labels and units), a second sheet for the KSP/USP finance
// fields and the management checklist, dropdowns for jenis, bentuk, kelompok and the office's
// kecamatan, and number/date validation. A file filled from it loads as is.
func WriteTemplate(w io.Writer, opt TemplateOptions) error {
	kec, err := kecamatanOf(opt.Wilayah)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", TemplateSheetPetunjuk); err != nil {
		return err
	}
	for _, s := range []string{TemplateSheetLaporan, TemplateSheetKSP, templateSheetDaftar} {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	st, err := newTemplateStyles(f)
	if err != nil {
		return err
	}
	// Lists for the dropdowns, on a hidden sheet (a list may be longer than an inline list allows).
	lists := map[string][]string{"jenis": templateJenis, "bentuk": templateBentuk, "kelompok": templateKelompok, "kecamatan": kec}
	listRef := map[string]string{}
	for i, name := range []string{"jenis", "bentuk", "kelompok", "kecamatan"} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellValue(templateSheetDaftar, col+"1", name); err != nil {
			return err
		}
		for j, v := range lists[name] {
			if err := f.SetCellStr(templateSheetDaftar, fmt.Sprintf("%s%d", col, j+2), v); err != nil {
				return err
			}
		}
		if len(lists[name]) > 0 {
			listRef[name] = fmt.Sprintf("%s!$%s$2:$%s$%d", templateSheetDaftar, col, col, len(lists[name])+1)
		}
	}
	if err := f.SetSheetVisible(templateSheetDaftar, false); err != nil {
		return err
	}
	laporan, ksp := TemplateColumns()
	for _, sh := range []struct {
		name string
		cols []fields.Field
	}{{TemplateSheetLaporan, laporan}, {TemplateSheetKSP, ksp}} {
		if err := writeDataSheet(f, sh.name, sh.cols, listRef, st); err != nil {
			return fmt.Errorf("templat lembar %s: %w", sh.name, err)
		}
	}
	if err := writeInstructions(f, opt, laporan, ksp, len(kec), st); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

type templateStyles struct{ header, text, money, count, date, title, bold int }

func newTemplateStyles(f *excelize.File) (templateStyles, error) {
	var s templateStyles
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	dateFmt, moneyFmt := "dd/mm/yyyy", "#,##0.00"
	s.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}})
	s.text = mk(&excelize.Style{NumFmt: 49}) // "@": NIK and codes stay text (no 3.2761E+15)
	s.money = mk(&excelize.Style{CustomNumFmt: &moneyFmt})
	s.count = mk(&excelize.Style{NumFmt: 1})
	s.date = mk(&excelize.Style{CustomNumFmt: &dateFmt})
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	s.bold = mk(&excelize.Style{Font: &excelize.Font{Bold: true}})
	return s, err
}

func writeDataSheet(f *excelize.File, sheet string, cols []fields.Field, listRef map[string]string, st templateStyles) error {
	last := TemplateRows + 1
	for i, fd := range cols {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr(sheet, col+"1", TemplateHeader(fd)); err != nil {
			return err
		}
		rng := fmt.Sprintf("%s2:%s%d", col, col, last)
		style := st.text
		dv := excelize.NewDataValidation(true)
		dv.Sqref = rng
		var err error
		switch {
		case fd.Kind == fields.Code || fd.Name == "kecamatan":
			ref, ok := listRef[fd.Name]
			if !ok {
				dv = nil
				break
			}
			dv.SetSqrefDropList(ref)
			dv.SetError(excelize.DataValidationErrorStyleWarning, fd.Label, "Pilih dari daftar.")
			dv.SetInput(fd.Label, "Pilih dari daftar.")
		case fd.Kind == fields.Money:
			style = st.money
			if fd.Signed {
				err = dv.SetRange(-1e14, 1e14, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
				dv.SetInput(fd.Label, "Rupiah, boleh negatif (rugi). Ketik angka saja, mis. 1250000,50.")
			} else {
				err = dv.SetRange(0, 1e14, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
				dv.SetInput(fd.Label, "Rupiah, tidak boleh negatif. Ketik angka saja, mis. 1250000,50.")
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, fd.Label, "Isi dengan angka rupiah.")
		case fd.Kind == fields.Count:
			style = st.count
			hi := 10_000_000
			msg := "Bilangan bulat, tidak boleh negatif."
			if fd.Max > 0 {
				hi = fd.Max
				msg = fmt.Sprintf("Jumlah jawaban \"ya\", 0 sampai %d.", fd.Max)
			}
			err = dv.SetRange(0, hi, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween)
			dv.SetInput(fd.Label, msg)
			dv.SetError(excelize.DataValidationErrorStyleStop, fd.Label, msg)
		case fd.Kind == fields.Year:
			style = st.count
			err = dv.SetRange(1950, 2100, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween)
			dv.SetInput(fd.Label, "Tahun buku, 4 angka (mis. 2025).")
			dv.SetError(excelize.DataValidationErrorStyleStop, fd.Label, "Tahun buku 4 angka, 1950–2100.")
		case fd.Kind == fields.Date:
			style = st.date
			// 1950-01-01 .. 2100-12-31 as serials of the 1900 date system.
			err = dv.SetRange(18264, 73415, excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween)
			dv.SetInput(fd.Label, "Tanggal, mis. 15/03/2025.")
			dv.SetError(excelize.DataValidationErrorStyleStop, fd.Label, "Isi dengan tanggal (tgl/bln/thn).")
		case fd.Name == "nik":
			err = dv.SetRange(16, 16, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorEqual)
			dv.SetInput(fd.Label, "Nomor Induk Koperasi, 16 angka.")
			dv.SetError(excelize.DataValidationErrorStyleStop, fd.Label, "NIK harus 16 angka.")
		default:
			dv = nil
		}
		if err != nil {
			return err
		}
		if dv != nil {
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return err
			}
		}
		if err := f.SetColStyle(sheet, col, style); err != nil {
			return err
		}
		width := float64(max(12, min(40, len(TemplateHeader(fd))+2)))
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
	}
	lastCol, _ := excelize.ColumnNumberToName(len(cols))
	if err := f.SetCellStyle(sheet, "A1", lastCol+"1", st.header); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, 45); err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: 1, TopLeftCell: "C2", ActivePane: "bottomRight"})
}

func writeInstructions(f *excelize.File, opt TemplateOptions, laporan, ksp []fields.Field, nKec int, st templateStyles) error {
	sh := TemplateSheetPetunjuk
	kantor := opt.Kantor
	if kantor == "" {
		kantor = "Dinas Koperasi"
	}
	lines := []string{
		"PETUNJUK PENGISIAN LAPORAN TAHUNAN KOPERASI",
		kantor,
		"",
		"1. Isi satu baris per koperasi per tahun buku di lembar \"" + TemplateSheetLaporan + "\". Jangan mengubah baris judul kolom.",
		"2. Koperasi simpan pinjam (KSP/USP/KSPPS) juga mengisi lembar \"" + TemplateSheetKSP + "\": NIK, nama dan tahun buku yang sama, lalu data keuangan dan daftar periksa manajemen.",
		"3. Kolom wajib: NIK Koperasi (16 angka), Nama Koperasi, Tahun Buku. Baris tanpa kolom wajib akan dikarantina.",
		"4. Uang dalam rupiah penuh, tanpa \"Rp\" dan tanpa titik ribuan (Excel menampilkan titiknya), mis. 1250000 atau 1250000,50. SHU rugi ditulis negatif.",
		"5. Tanggal ditulis sebagai tanggal, mis. 15/03/2025. Tanggal RAT kosong berarti RAT belum diadakan.",
		"6. Jenis, Bentuk, Kelompok dan Kecamatan dipilih dari daftar (klik sel, lalu panah di kanan).",
		"7. Jumlah Anggota boleh dikosongkan bila Anggota Pria dan Anggota Wanita diisi; bila diisi harus sama dengan jumlah keduanya.",
		"8. Modal Sendiri boleh dikosongkan: dihitung dari Simpanan Pokok + Simpanan Wajib + Dana Cadangan + Hibah; bila diisi harus sama (selisih paling banyak Rp1).",
		"9. Daftar periksa manajemen: tulis berapa pertanyaan yang dijawab \"ya\" untuk tiap aspek.",
		"10. Jangan menambah baris JUMLAH/TOTAL; bila ada, baris itu dilewati dan hanya dibandingkan dengan jumlah baris di atasnya.",
		"11. Simpan sebagai .xlsx (Buku Kerja Excel) dan kirim ke kantor. Berkas yang sama dikirim dua kali tidak mengubah apa pun.",
		"",
		"Kolom lembar \"" + TemplateSheetLaporan + "\" dan \"" + TemplateSheetKSP + "\":",
	}
	if nKec > 0 {
		lines[6] += fmt.Sprintf(" Daftar kecamatan berisi %d kecamatan di wilayah kantor.", nKec)
	}
	for i, l := range lines {
		if err := f.SetCellStr(sh, fmt.Sprintf("A%d", i+1), l); err != nil {
			return err
		}
	}
	_ = f.SetCellStyle(sh, "A1", "A1", st.title)
	row := len(lines) + 1
	for _, h := range [][2]string{{"Lembar", "Kolom"}} {
		_ = f.SetCellStr(sh, fmt.Sprintf("A%d", row), h[0])
		_ = f.SetCellStr(sh, fmt.Sprintf("B%d", row), h[1])
		_ = f.SetCellStr(sh, fmt.Sprintf("C%d", row), "Isian")
		_ = f.SetCellStyle(sh, fmt.Sprintf("A%d", row), fmt.Sprintf("C%d", row), st.bold)
		row++
	}
	for _, sheet := range []struct {
		name string
		cols []fields.Field
	}{{TemplateSheetLaporan, laporan}, {TemplateSheetKSP, ksp}} {
		for _, c := range sheet.cols {
			_ = f.SetCellStr(sh, fmt.Sprintf("A%d", row), sheet.name)
			_ = f.SetCellStr(sh, fmt.Sprintf("B%d", row), TemplateHeader(c))
			_ = f.SetCellStr(sh, fmt.Sprintf("C%d", row), kindHint(c))
			row++
		}
	}
	return f.SetColWidth(sh, "A", "A", 16)
}

func kindHint(f fields.Field) string {
	req := ""
	if f.Required {
		req = "wajib; "
	}
	switch f.Kind {
	case fields.Money:
		if f.Signed {
			return req + "rupiah, boleh negatif"
		}
		return req + "rupiah"
	case fields.Count:
		if f.Max > 0 {
			return fmt.Sprintf("%sbilangan bulat 0–%d", req, f.Max)
		}
		return req + "bilangan bulat"
	case fields.Year:
		return req + "tahun (4 angka)"
	case fields.Date:
		return req + "tanggal"
	case fields.Code:
		return req + "pilih dari daftar"
	}
	if f.Name == "nik" {
		return req + "16 angka, sebagai teks"
	}
	return req + "teks"
}
