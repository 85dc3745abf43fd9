package ingest

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/internal/fields"
	"github.com/pantau-koperasi/pantau/internal/wilayah"
)

// Problem is one reason a row was rejected (or a warning about it), in Bahasa Indonesia.
type Problem struct {
	Sheet  string `json:"sheet"`
	Row    int    `json:"row"`
	Column string `json:"column"` // canonical field; "" when the row as a whole is at fault
	Label  string `json:"label"`  // the header as written
	Value  string `json:"value"`
	Reason string `json:"reason"`
	Code   string `json:"code"`
}

// String renders the problem as staff read it: "lembar 'Data', baris 12, kolom Simpanan Wajib: ...".
func (p Problem) String() string {
	var b strings.Builder
	switch {
	case strings.HasPrefix(p.Sheet, "halaman "): // a pulled API page (ingest/pull): records, not rows
		fmt.Fprintf(&b, "%s, rekaman %d", p.Sheet, p.Row)
	case p.Sheet != "":
		fmt.Fprintf(&b, "lembar %q, baris %d", p.Sheet, p.Row)
	default:
		fmt.Fprintf(&b, "baris %d", p.Row)
	}
	if p.Label != "" {
		fmt.Fprintf(&b, ", kolom %s", p.Label)
	} else if p.Column != "" {
		fmt.Fprintf(&b, ", kolom %s", p.Column)
	}
	b.WriteString(": " + p.Reason)
	return b.String()
}

// Record is one parsed row. Its values, per canonical field, are nil (not reported), string, int64
// (counts, years; cents for money) or time.Time (dates). They are kept sparse (a file has a dozen of
// the 70-odd fields), which matters for memory at 200,000 rows.
type Record struct {
	Sheet    string
	Row      int
	vals     []fieldValue
	Cells    map[string]string // label as written → cell text, for raw.rows (API path)
	src      *Input            // the row as read (file path): raw.rows cells come from it
	Problems []Problem
}

type fieldValue struct {
	idx int // in fields.All()
	v   any
}

var allFieldIndexes = func() []int {
	out := make([]int, len(fields.All()))
	for i := range out {
		out[i] = i
	}
	return out
}()

var fieldIndex = func() map[string]int {
	m := map[string]int{}
	for i, f := range fields.All() {
		m[f.Name] = i
	}
	return m
}()

// Get returns the value of a canonical field.
func (r *Record) Get(name string) any {
	i, ok := fieldIndex[name]
	if !ok {
		return nil
	}
	for _, fv := range r.vals {
		if fv.idx == i {
			return fv.v
		}
	}
	return nil
}

func (r *Record) set(name string, v any) {
	i := fieldIndex[name]
	for k := range r.vals {
		if r.vals[k].idx == i {
			r.vals[k].v = v
			return
		}
	}
	r.vals = append(r.vals, fieldValue{i, v})
}

// Values returns the values in fields.All() order, written into dst when it is long enough.
func (r *Record) Values(dst []any) []any {
	n := len(fields.All())
	if cap(dst) < n {
		dst = make([]any, n)
	}
	dst = dst[:n]
	clear(dst)
	for _, fv := range r.vals {
		dst[fv.idx] = fv.v
	}
	return dst
}

// cellMap is the row's cells by label as written, for raw.rows.
func (r *Record) cellMap() map[string]string {
	if r.Cells == nil && r.src != nil {
		return r.src.cellMap()
	}
	return r.Cells
}

func (r *Record) str(name string) string {
	s, _ := r.Get(name).(string)
	return s
}

func (r *Record) num(name string) (int64, bool) {
	v, ok := r.Get(name).(int64)
	return v, ok
}

// rowContext is what validation of a row needs beyond its cells.
type rowContext struct {
	kind     Kind
	tahun    int // from the sheet/title, 0 = none
	date1904 bool
	resolver *wilayah.Resolver
	nikByBH  map[string]string // nomor_badan_hukum → nik already known
	now      time.Time
	labels   map[string]string // canonical field → label as written
}

func (c *rowContext) problem(r *Record, field, value, code, reason string) {
	r.Problems = append(r.Problems, Problem{Sheet: r.Sheet, Row: r.Row, Column: field, Label: c.labels[field], Value: value, Reason: reason, Code: code})
}

// Input is one row keyed by canonical field (the API path, and rows merged from supplement sheets) or
// read from a grid (the file path, kept compact: the cells as read and the sheet's column map, instead
// of three maps per row): the text of each recognised cell and whether it is a spreadsheet's numeric
// raw value.
type Input struct {
	Sheet   string
	Row     int
	Text    map[string]string
	Machine map[string]bool
	Cells   map[string]string
	// Totals marks a "JUMLAH"/"TOTAL" row: it is skipped and compared with the sum of the rows above.
	Totals bool
	// Problems found before parsing (an API value of the wrong JSON type); the row is quarantined
	// with them beside whatever parsing finds.
	Problems []Problem

	cols    *colMap
	cells   []string
	machine []bool
}

// colMap is a sheet's columns: the label per column (for raw.rows) and the columns of each canonical
// field, by its index in fields.All().
type colMap struct {
	label   []string
	byIndex [][]int         // fields.All() index → columns
	present []int           // fields.All() indexes that have a column, in fields.All() order
	used    map[string]bool // labels taken (see add)
}

func newColMap(lay Layout, width int) *colMap {
	width = max(width, len(lay.Columns))
	m := &colMap{byIndex: make([][]int, len(fields.All())), used: map[string]bool{}}
	for i := 0; i < width; i++ {
		label, field := "", ""
		if i < len(lay.Columns) {
			label, field = lay.Columns[i].Label, lay.Columns[i].Field
		}
		m.add(label)
		if fi, ok := fieldIndex[field]; ok {
			m.byIndex[fi] = append(m.byIndex[fi], i)
		}
	}
	for fi, cols := range m.byIndex {
		if len(cols) > 0 {
			m.present = append(m.present, fi)
		}
	}
	return m
}

// add appends the next column's label for raw.rows: the header as written, "kolom_N" for a column
// without one. Labels are keys of a row's cells, so a label already taken (a header that names two
// columns alike, "Ket" twice, or a title merged over several) gets the column's number added —
// "Ket (kolom 5)" — instead of one cell overwriting the other.
func (m *colMap) add(label string) {
	n := len(m.label) + 1
	if label == "" {
		label = fmt.Sprintf("kolom_%d", n)
	}
	for base := label; m.used[label]; {
		label = fmt.Sprintf("%s (kolom %d)", base, n)
		base = label
	}
	m.used[label] = true
	m.label = append(m.label, label)
}

// labelAt is column i's label (see add); rows may be wider than the header, and the map grows as
// they are met.
func (m *colMap) labelAt(i int) string {
	for len(m.label) <= i {
		m.add("")
	}
	return m.label[i]
}

// hasData: the row carries cells (false for an API row without any field).
func (in *Input) hasData() bool { return in.Text != nil || in.cols != nil }

// text returns the cell of a field; with two columns for one field, the last non-empty one wins.
func (in *Input) text(field string) (string, bool) {
	if in.cols == nil {
		v, ok := in.Text[field]
		return v, ok
	}
	fi, ok := fieldIndex[field]
	if !ok {
		return "", false
	}
	return in.textAt(fi)
}

// textAt is text for the field at fields.All() index fi.
func (in *Input) textAt(fi int) (string, bool) {
	if in.cols == nil {
		v, ok := in.Text[fields.All()[fi].Name]
		return v, ok
	}
	v, ok := "", false
	for _, i := range in.cols.byIndex[fi] {
		if i < len(in.cells) && strings.TrimSpace(in.cells[i]) != "" {
			v, ok = in.cells[i], true
		}
	}
	return v, ok
}

// isMachineAt is isMachine for the field at fields.All() index fi.
func (in *Input) isMachineAt(fi int) bool {
	if in.cols == nil {
		return in.Machine[fields.All()[fi].Name]
	}
	m := false
	for _, i := range in.cols.byIndex[fi] {
		if i < len(in.cells) && strings.TrimSpace(in.cells[i]) != "" {
			m = i < len(in.machine) && in.machine[i]
		}
	}
	return m
}

// isMachine reports whether the field's cell is a spreadsheet's numeric raw value.
func (in *Input) isMachine(field string) bool {
	if in.cols == nil {
		return in.Machine[field]
	}
	fi, ok := fieldIndex[field]
	return ok && in.isMachineAt(fi)
}

func (in *Input) cellMap() map[string]string {
	if in.cols == nil {
		return in.Cells
	}
	m := make(map[string]string, len(in.cells))
	for i, v := range in.cells {
		if strings.TrimSpace(v) != "" && i < maxCellColumns {
			m[in.cols.labelAt(i)] = v
		}
	}
	return m
}

// fields lists the fields that have a cell.
func (in *Input) fieldNames() []string {
	if in.cols == nil {
		out := make([]string, 0, len(in.Text))
		for f := range in.Text {
			out = append(out, f)
		}
		return out
	}
	var out []string
	for _, fi := range in.cols.present {
		if _, ok := in.textAt(fi); ok {
			out = append(out, fields.All()[fi].Name)
		}
	}
	return out
}

// materialise turns a compact row into maps, so that cells of other sheets can be merged into it.
func (in *Input) materialise() {
	if in.cols == nil {
		return
	}
	text, machine := map[string]string{}, map[string]bool{}
	for _, f := range in.fieldNames() {
		text[f], _ = in.text(f)
		machine[f] = in.isMachine(f)
	}
	in.Text, in.Machine, in.Cells = text, machine, in.cellMap()
	in.cols, in.cells, in.machine = nil, nil, nil
}

// parseRow reads and validates one row. Every problem is recorded; a row with problems is quarantined.
func parseRow(in *Input, c *rowContext) *Record {
	r := &Record{Sheet: in.Sheet, Row: in.Row, Cells: in.Cells, src: in}
	for _, p := range in.Problems {
		p.Sheet, p.Row = in.Sheet, in.Row
		r.Problems = append(r.Problems, p)
	}
	if in.cols != nil {
		r.Cells = nil
	}
	// A file row looks only at the fields its sheet has columns for (a dozen of the 70-odd); the
	// order stays fields.All()'s, which the jenis/kelompok/bentuk rule below depends on.
	idx := allFieldIndexes
	if in.cols != nil {
		idx = in.cols.present
	}
	for _, fi := range idx {
		f := &fields.All()[fi]
		s, ok := in.textAt(fi)
		if !ok {
			continue
		}
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		machine := in.isMachineAt(fi)
		switch f.Kind {
		case fields.Text:
			r.set(f.Name, squeezeSpaces(s))
		case fields.Code:
			if s == "-" {
				continue
			}
			cl, ok := classify(s)
			if !ok {
				c.problem(r, f.Name, s, "kode_tidak_dikenal", fmt.Sprintf("%q bukan %s yang dikenal", s, strings.ToLower(f.Label)))
				continue
			}
			// A mixed list value may name another dimension: "Kopwan" in the jenis column.
			for _, d := range [...]struct{ name, v string }{{"jenis", cl.jenis}, {"kelompok", cl.kelompok}, {"bentuk", cl.bentuk}} {
				name, v := d.name, d.v
				if v == "" {
					continue
				}
				if cur, ok := r.Get(name).(string); ok && cur != v && name != f.Name {
					continue // the dedicated column wins
				}
				r.set(name, v)
			}
		case fields.Count, fields.Year:
			v, err := ParseCount(s, machine)
			if errors.Is(err, errNoValue) {
				continue
			}
			if IsAmbiguous(err) {
				c.problem(r, f.Name, s, "angka_ambigu", err.Error())
				continue
			}
			if err != nil {
				c.problem(r, f.Name, s, "angka_tidak_terbaca", fmt.Sprintf("%s bukan bilangan bulat", quote(s)))
				continue
			}
			if v < 0 {
				c.problem(r, f.Name, s, "negatif", fmt.Sprintf("%s tidak boleh negatif", quote(s)))
				continue
			}
			if f.Max > 0 && v > int64(f.Max) {
				c.problem(r, f.Name, s, "di_luar_rentang", fmt.Sprintf("%s melebihi jumlah pertanyaan (%d)", quote(s), f.Max))
				continue
			}
			r.set(f.Name, v)
		case fields.Money, fields.Ratio:
			v, err := ParseMoney(s, machine)
			if errors.Is(err, errNoValue) {
				continue
			}
			if IsAmbiguous(err) {
				c.problem(r, f.Name, s, "angka_ambigu", err.Error())
				continue
			}
			if err != nil {
				c.problem(r, f.Name, s, "angka_tidak_terbaca", fmt.Sprintf("%s bukan angka rupiah (contoh: 1.250.000 atau Rp 1,25 jt)", quote(s)))
				continue
			}
			if v < 0 && !f.Signed {
				c.problem(r, f.Name, s, "negatif", fmt.Sprintf("%s tidak boleh negatif", quote(s)))
				continue
			}
			r.set(f.Name, v)
		case fields.Date:
			t, err := ParseDate(s, c.date1904)
			if errors.Is(err, errNoValue) {
				continue
			}
			if err != nil {
				c.problem(r, f.Name, s, "tanggal_tidak_terbaca", err.Error())
				continue
			}
			r.set(f.Name, t)
		}
	}
	validate(r, c)
	r.compact()
	return r
}

// compact trims the record's values to their length: append grows vals to 16 slots for a dozen
// values, and the record lives until the file's transaction commits (~13 MB per 200,000 rows).
func (r *Record) compact() {
	if cap(r.vals)-len(r.vals) > 1 {
		r.vals = append(make([]fieldValue, 0, len(r.vals)), r.vals...)
	}
}

func quote(s string) string { return strconv.Quote(s) }

// squeezeSpaces collapses runs of white space to one space; s itself when there are none (most cells),
// so the value shares the cell's memory.
func squeezeSpaces(s string) string {
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		space := c == ' '
		if c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c >= 0x80 || (space && prevSpace) {
			return strings.Join(strings.Fields(s), " ")
		}
		prevSpace = space
	}
	return s
}

var nikCleaner = strings.NewReplacer(" ", "", ".", "", "-", "", "'", "")

// validate applies the row-level rules of SPEC §3 after every cell was read.
func validate(r *Record, c *rowContext) {
	// Identity.
	nik := r.str("nik")
	if nik != "" {
		clean := nikCleaner.Replace(nik)
		switch {
		case strings.ContainsAny(clean, "Ee+") && strings.Contains(nik, "E"):
			c.problem(r, "nik", nik, "nik_rusak", "NIK tertulis sebagai angka ilmiah sehingga digitnya hilang; format kolom NIK sebagai Teks lalu ketik ulang")
		case len(clean) != 16 || !digitsOnly(clean):
			c.problem(r, "nik", nik, "nik_tidak_sah", fmt.Sprintf("NIK %q harus 16 digit angka", nik))
		default:
			r.set("nik", clean)
		}
	} else if bh := r.str("nomor_badan_hukum"); bh != "" && c.nikByBH[normBH(bh)] != "" {
		r.set("nik", c.nikByBH[normBH(bh)])
	} else {
		c.problem(r, "nik", "", "wajib_kosong", "NIK wajib diisi (atau nomor badan hukum yang sudah terdaftar)")
	}
	if r.str("nama_koperasi") == "" {
		c.problem(r, "nama_koperasi", "", "wajib_kosong", "nama koperasi wajib diisi")
	}
	// Period.
	if y, ok := r.num("tahun_buku"); ok {
		if y < 1950 || y > int64(c.now.Year()) {
			c.problem(r, "tahun_buku", strconv.FormatInt(y, 10), "di_luar_rentang", fmt.Sprintf("tahun buku %d tidak wajar", y))
		}
	} else if c.tahun > 0 && r.Get("tahun_buku") == nil {
		r.set("tahun_buku", int64(c.tahun))
	}
	if c.kind == KindLaporan && r.Get("tahun_buku") == nil && !hasProblem(r, "tahun_buku") {
		c.problem(r, "tahun_buku", "", "wajib_kosong", "tahun buku wajib diisi (kolom Tahun Buku, nama lembar, atau judul \"Tahun Buku 2025\")")
	}
	if t, ok := r.Get("tanggal_rat").(time.Time); ok {
		if y, ok := r.num("tahun_buku"); ok {
			if t.Year() <= int(y)-1 || t.Year() > int(y)+2 {
				c.problem(r, "tanggal_rat", t.Format("02/01/2006"), "tanggal_tidak_wajar",
					fmt.Sprintf("tanggal RAT %s tidak wajar untuk tahun buku %d (RAT diadakan setelah tahun buku ditutup)", t.Format("02/01/2006"), y))
			}
		}
		if t.After(c.now) {
			c.problem(r, "tanggal_rat", t.Format("02/01/2006"), "tanggal_masa_depan", fmt.Sprintf("tanggal RAT %s ada di masa depan", t.Format("02/01/2006")))
		}
	}
	// Members: jumlah = pria + wanita when both are given; derived when absent.
	p, okP := r.num("anggota_pria")
	w, okW := r.num("anggota_wanita")
	j, okJ := r.num("jumlah_anggota")
	if okP && okW {
		if okJ && j != p+w {
			c.problem(r, "jumlah_anggota", strconv.FormatInt(j, 10), "tidak_konsisten",
				fmt.Sprintf("jumlah anggota %d tidak sama dengan pria %d + wanita %d = %d", j, p, w, p+w))
		} else if !okJ {
			r.set("jumlah_anggota", p+w)
		}
	}
	// Capital: modal sendiri = simpanan pokok + simpanan wajib + dana cadangan + hibah (±1 rupiah).
	parts := []string{"simpanan_pokok", "simpanan_wajib", "dana_cadangan", "hibah"}
	var sum int64
	all := true
	for _, name := range parts {
		v, ok := r.num(name)
		if !ok {
			all = false
		}
		sum += v
	}
	if ms, ok := r.num("modal_sendiri"); ok && all {
		if d := ms - sum; d > 100 || d < -100 {
			c.problem(r, "modal_sendiri", centsText(ms), "tidak_konsisten",
				fmt.Sprintf("modal sendiri %s tidak sama dengan simpanan pokok + simpanan wajib + dana cadangan + hibah = %s", centsText(ms), centsText(sum)))
		}
	} else if !ok && all {
		r.set("modal_sendiri", sum)
	}
	// Region.
	n := wilayah.Names{Kode: r.str("kode_wilayah"), Provinsi: r.str("provinsi"), KabupatenKota: r.str("kabupaten_kota"),
		Kecamatan: r.str("kecamatan"), DesaKelurahan: r.str("desa_kelurahan")}
	if c.resolver != nil && (n != wilayah.Names{}) {
		kode, err := c.resolver.Resolve(n)
		var re *wilayah.ResolveError
		if errors.As(err, &re) {
			c.problem(r, re.Field, re.Value, "wilayah_tidak_dikenal", re.Msg)
		} else if err != nil {
			c.problem(r, "kode_wilayah", n.Kode, "wilayah_tidak_dikenal", err.Error())
		} else if kode != "" {
			r.set("kode_wilayah", kode)
		}
	}
}

func hasProblem(r *Record, field string) bool {
	for _, p := range r.Problems {
		if p.Column == field {
			return true
		}
	}
	return false
}

func digitsOnly(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func normBH(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), "")) }

// centsText renders cents as Indonesian rupiah: 125000050 → "Rp1.250.000,50".
func centsText(c int64) string {
	neg := c < 0
	if neg {
		c = -c
	}
	whole := strconv.FormatInt(c/100, 10)
	var b strings.Builder
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(d)
	}
	s := "Rp" + b.String()
	if c%100 != 0 {
		s += fmt.Sprintf(",%02d", c%100)
	}
	if neg {
		s = "-" + s
	}
	return s
}
