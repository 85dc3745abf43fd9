package kesehatan

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/pantau-koperasi/pantau/internal/outpath"
)

// Worksheet is the filled-in assessment form of one cooperative, tahun buku and rubric, read from
// mart.kesehatan and mart.kesehatan_indikator: what `pantau score --explain` prints and exports.
type Worksheet struct {
	NIK, NamaKoperasi, Jenis  string
	TahunBuku                 int
	Rubrik, Versi, NamaRubrik string
	Dasar, CatatanRubrik      string
	Provisional               bool
	Skor                      *float64
	SkorMentah, BobotDinilai  float64
	BobotTotal, Cakupan       float64
	Kategori, Grade           string
	KategoriSebelumnya        string
	TahunSebelumnya           *int
	Perubahan                 string
	Baris                     []Line
}

// Line is one indicator of the worksheet.
type Line struct {
	Aspek, NamaAspek  string
	BobotAspek        float64
	Indikator, Nama   string
	Rumus, Sumber     string
	Nilai             *float64
	Band              string
	Skor              *float64
	Bobot             float64
	Dinilai           bool
	InputHilang, Ketr string
}

// ErrNoResult is returned when the cooperative and year have not been scored.
var ErrNoResult = errors.New("belum ada hasil penilaian")

// Explain reads the worksheets of one cooperative and tahun buku: every rubric, or only rubrik.
func Explain(ctx context.Context, db *sql.DB, nik string, tahun int, rubrik string) ([]Worksheet, error) {
	rows, err := db.QueryContext(ctx, `SELECT k.rubrik, k.versi_rubrik, coalesce(r.nama, k.rubrik), coalesce(r.dasar, ''), coalesce(r.catatan, ''), k.provisional,
			k.skor, k.skor_mentah, k.bobot_dinilai, k.bobot_total, k.cakupan, k.kategori, coalesce(k.grade, ''),
			coalesce(k.kategori_sebelumnya, ''), k.tahun_buku_sebelumnya, coalesce(k.perubahan, '')
		FROM mart.kesehatan k LEFT JOIN mart.rubrik r ON r.rubrik = k.rubrik
		WHERE k.nik = ? AND k.tahun_buku = ? AND (? = '' OR k.rubrik = ?) ORDER BY k.rubrik`, nik, tahun, rubrik, rubrik)
	if err != nil {
		return nil, err
	}
	var out []Worksheet
	for rows.Next() {
		w := Worksheet{NIK: nik, TahunBuku: tahun}
		var skor sql.NullFloat64
		var prev sql.NullInt64
		if err := rows.Scan(&w.Rubrik, &w.Versi, &w.NamaRubrik, &w.Dasar, &w.CatatanRubrik, &w.Provisional, &skor, &w.SkorMentah, &w.BobotDinilai,
			&w.BobotTotal, &w.Cakupan, &w.Kategori, &w.Grade, &w.KategoriSebelumnya, &prev, &w.Perubahan); err != nil {
			rows.Close()
			return nil, err
		}
		if skor.Valid {
			w.Skor = &skor.Float64
		}
		if prev.Valid {
			y := int(prev.Int64)
			w.TahunSebelumnya = &y
		}
		out = append(out, w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w untuk NIK %s tahun buku %d%s: jalankan `pantau score`, dan periksa bahwa laporannya ada di mart.laporan", ErrNoResult, nik, tahun, map[bool]string{true: " rubrik " + rubrik, false: ""}[rubrik != ""])
	}
	var nama, jenis sql.NullString
	_ = db.QueryRowContext(ctx, `SELECT any_value(nama_koperasi), any_value(jenis) FROM mart.laporan WHERE nik = ? AND tahun_buku = ?`, nik, tahun).Scan(&nama, &jenis)
	for i := range out {
		w := &out[i]
		w.NamaKoperasi, w.Jenis = nama.String, jenis.String
		lr, err := db.QueryContext(ctx, `SELECT i.aspek, i.nama_aspek, coalesce(d.bobot_aspek, 0), i.indikator, i.nama_indikator, i.rumus, coalesce(d.status_sumber, ''),
				i.nilai, coalesce(i.band, ''), i.skor, i.bobot, i.dinilai, i.input_hilang, i.keterangan
			FROM mart.kesehatan_indikator i
			LEFT JOIN mart.rubrik_indikator d ON d.rubrik = i.rubrik AND d.indikator = i.indikator
			WHERE i.nik = ? AND i.tahun_buku = ? AND i.rubrik = ? ORDER BY i.urutan`, nik, tahun, w.Rubrik)
		if err != nil {
			return nil, err
		}
		for lr.Next() {
			var l Line
			var nilai, skor sql.NullFloat64
			if err := lr.Scan(&l.Aspek, &l.NamaAspek, &l.BobotAspek, &l.Indikator, &l.Nama, &l.Rumus, &l.Sumber, &nilai, &l.Band, &skor, &l.Bobot,
				&l.Dinilai, &l.InputHilang, &l.Ketr); err != nil {
				lr.Close()
				return nil, err
			}
			if nilai.Valid {
				l.Nilai = &nilai.Float64
			}
			if skor.Valid {
				l.Skor = &skor.Float64
			}
			w.Baris = append(w.Baris, l)
		}
		lr.Close()
		if err := lr.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Angka formats a number the Indonesian way with the given decimals: 1234.5 → "1.234,50".
// Halves round away from zero, as on a hand-filled form (5,625 → 5,63), not to even.
func Angka(f float64, dec int) string {
	p := math.Pow(10, float64(dec))
	f = math.Round(f*p+math.Copysign(1e-9, f)) / p
	s := fmt.Sprintf("%.*f", dec, f)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += "," + frac
	}
	if neg && strings.Trim(out, "0.,") != "" {
		out = "-" + out
	}
	return out
}

func opt(p *float64, dec int) string {
	if p == nil {
		return "–"
	}
	return Angka(*p, dec)
}

func bobotStr(f float64) string {
	if f == math.Trunc(f) {
		return Angka(f, 0)
	}
	return strings.TrimRight(strings.TrimRight(Angka(f, 3), "0"), ",")
}

// AspectTotals returns, per aspect in order, the points earned and the weight.
func (w Worksheet) AspectTotals() (order []string, skor, bobot map[string]float64) {
	skor, bobot = map[string]float64{}, map[string]float64{}
	for _, l := range w.Baris {
		if _, ok := bobot[l.Aspek]; !ok {
			order = append(order, l.Aspek)
		}
		bobot[l.Aspek] += l.Bobot
		if l.Skor != nil {
			skor[l.Aspek] += *l.Skor
		}
	}
	return order, skor, bobot
}

var roman = []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}

// WriteText prints the worksheet in Bahasa Indonesia, laid out like the official form.
func (w Worksheet) WriteText(out io.Writer) error {
	fmt.Fprintf(out, "LEMBAR KERJA PENILAIAN KESEHATAN KOPERASI\n")
	fmt.Fprintf(out, "Koperasi    : %s (NIK %s)\n", w.NamaKoperasi, w.NIK)
	fmt.Fprintf(out, "Tahun buku  : %d\n", w.TahunBuku)
	fmt.Fprintf(out, "Rubrik      : %s versi %s — %s\n", w.Rubrik, w.Versi, w.NamaRubrik)
	if w.Dasar != "" {
		fmt.Fprintf(out, "Dasar       : %s\n", w.Dasar)
	}
	if w.Provisional {
		fmt.Fprintf(out, "PERHATIAN   : rubrik ini sebagian provisional — %s\n", w.CatatanRubrik)
	}
	fmt.Fprintln(out)
	_, skorA, bobotA := w.AspectTotals()
	type row struct{ no, name, nilai, band, skor, bobot, rumus string }
	var rows []row
	cur := ""
	n := 0
	flush := func() {
		if cur != "" {
			rows = append(rows, row{name: "Jumlah " + w.aspekName(cur), skor: Angka(skorA[cur], 2), bobot: bobotStr(bobotA[cur])})
		}
	}
	for _, l := range w.Baris {
		if l.Aspek != cur {
			flush()
			cur = l.Aspek
			r := fmt.Sprint(n + 1)
			if n < len(roman) {
				r = roman[n]
			}
			n++
			rows = append(rows, row{no: r, name: fmt.Sprintf("%s (bobot %s)", strings.ToUpper(l.NamaAspek), bobotStr(bobotA[cur]))})
		}
		band := l.Band
		if !l.Dinilai {
			band = "tidak dinilai: " + l.Ketr
		}
		rows = append(rows, row{l.Indikator, l.Nama, opt(l.Nilai, 2), band, opt(l.Skor, 2), bobotStr(l.Bobot), l.Rumus})
	}
	flush()
	head := row{"No", "Aspek / indikator", "Nilai", "Band", "Skor", "Bobot", ""}
	wd := [6]int{}
	for _, r := range append([]row{head}, rows...) {
		for k, c := range []string{r.no, r.name, r.nilai, r.band, r.skor, r.bobot} {
			if n := utf8.RuneCountInString(c); n > wd[k] && !(k == 1 && r.nilai == "" && r.skor == "") {
				wd[k] = n
			}
		}
	}
	pad := func(s string, n int, right bool) string {
		p := strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s)))
		if right {
			return p + s
		}
		return s + p
	}
	line := func(r row) {
		if r.nilai == "" && r.skor == "" && r.no != "" && r.no != "No" {
			fmt.Fprintf(out, "%s  %s\n", pad(r.no, wd[0], false), r.name) // aspect heading: not part of the columns
			return
		}
		fmt.Fprintf(out, "%s  %s  %s  %s  %s  %s\n", pad(r.no, wd[0], false), pad(r.name, wd[1], false), pad(r.nilai, wd[2], true),
			pad(r.band, wd[3], false), pad(r.skor, wd[4], true), pad(r.bobot, wd[5], true))
		if r.rumus != "" {
			fmt.Fprintf(out, "%s    rumus: %s\n", pad("", wd[0], false), r.rumus)
		}
	}
	line(head)
	for _, r := range rows {
		line(r)
	}
	fmt.Fprintln(out)
	fmt.Fprintf(out, "Jumlah skor        : %s dari bobot dinilai %s (bobot total %s)\n", Angka(w.SkorMentah, 2), bobotStr(w.BobotDinilai), bobotStr(w.BobotTotal))
	fmt.Fprintf(out, "Cakupan            : %s%%\n", Angka(100*w.Cakupan, 1))
	fmt.Fprintf(out, "Skor (skala 100)   : %s\n", opt(w.Skor, 2))
	kat := w.Kategori
	if w.Grade != "" {
		kat += " (grade " + w.Grade + ")"
	}
	fmt.Fprintf(out, "Kategori           : %s\n", kat)
	if w.TahunSebelumnya != nil {
		ch := map[string]string{"naik": "naik", "turun": "TURUN", "tetap": "tetap", "": "tidak dapat dibandingkan"}[w.Perubahan]
		fmt.Fprintf(out, "Tahun buku %d    : %s — %s\n", *w.TahunSebelumnya, w.KategoriSebelumnya, ch)
	}
	return nil
}

func (w Worksheet) aspekName(kode string) string {
	for _, l := range w.Baris {
		if l.Aspek == kode {
			return l.NamaAspek
		}
	}
	return kode
}

// WriteXLSX writes the worksheets to one XLSX file, one sheet per rubric.
func WriteXLSX(ws []Worksheet, path string) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	num2, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptrStr("#,##0.00")})
	for i, w := range ws {
		sheet := w.Rubrik
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		row := 1
		set := func(vals ...any) {
			cell, _ := excelize.CoordinatesToCellName(1, row)
			_ = f.SetSheetRow(sheet, cell, &vals)
			row++
		}
		set("LEMBAR KERJA PENILAIAN KESEHATAN KOPERASI")
		_ = f.SetCellStyle(sheet, "A1", "A1", bold)
		set("Koperasi", w.NamaKoperasi)
		set("NIK", w.NIK)
		set("Tahun buku", w.TahunBuku)
		set("Rubrik", fmt.Sprintf("%s versi %s — %s", w.Rubrik, w.Versi, w.NamaRubrik))
		set("Dasar", w.Dasar)
		if w.Provisional {
			set("Perhatian", "Rubrik sebagian provisional: "+w.CatatanRubrik)
		}
		row++
		head := row
		set("No", "Aspek", "Indikator", "Rumus", "Nilai", "Band", "Skor", "Bobot", "Keterangan")
		a, _ := excelize.CoordinatesToCellName(1, head)
		b, _ := excelize.CoordinatesToCellName(9, head)
		_ = f.SetCellStyle(sheet, a, b, bold)
		first := row
		_, skorA, bobotA := w.AspectTotals()
		cur := ""
		flush := func() {
			if cur != "" {
				set("", "Jumlah "+w.aspekName(cur), "", "", nil, "", skorA[cur], bobotA[cur], "")
			}
		}
		for _, l := range w.Baris {
			if l.Aspek != cur {
				flush()
				cur = l.Aspek
			}
			var nilai, skor any
			if l.Nilai != nil {
				nilai = *l.Nilai
			}
			if l.Skor != nil {
				skor = *l.Skor
			}
			band, ket := l.Band, ""
			if !l.Dinilai {
				band, ket = "tidak dinilai", l.Ketr
			}
			set(l.Indikator, l.NamaAspek, l.Nama, l.Rumus, nilai, band, skor, l.Bobot, ket)
		}
		flush()
		c1, _ := excelize.CoordinatesToCellName(5, first)
		c2, _ := excelize.CoordinatesToCellName(8, row)
		_ = f.SetCellStyle(sheet, c1, c2, num2)
		row++
		var skor any
		if w.Skor != nil {
			skor = math.Round(*w.Skor*100) / 100
		}
		set("Jumlah skor", w.SkorMentah)
		set("Bobot dinilai", w.BobotDinilai)
		set("Cakupan", w.Cakupan)
		set("Skor (skala 100)", skor)
		set("Kategori", w.Kategori)
		set("Grade", w.Grade)
		_ = f.SetColWidth(sheet, "A", "A", 16)
		_ = f.SetColWidth(sheet, "B", "C", 36)
		_ = f.SetColWidth(sheet, "D", "D", 50)
		_ = f.SetColWidth(sheet, "F", "F", 28)
	}
	// Not SaveAs: excelize creates the file 0777 (0755 after umask), and a worksheet holds a
	// cooperative's figures, not a program.
	return outpath.Write(path, func(w io.Writer) error { return f.Write(w) })
}

func ptrStr(s string) *string { return &s }
