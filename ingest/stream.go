package ingest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// A file is read in two steps. planFile reads the top of every sheet (titles, the header, a row of
// column numbers: headerScan+3 rows at most) and decides what each sheet's columns mean; each then
// streams the data rows, sheet after sheet, to the loader (load.go), which validates and writes them
// in chunks. Only supplement sheets (KSP/USP finance, the management checklist: a few hundred rows
// that complete the main sheet's rows) are held whole, because their rows must meet main rows that
// may come later.

// filePlan is a file whose sheets' headers were found.
type filePlan struct {
	name   string
	src    source
	batch  *Batch
	sheets []*sheetPlan
	// supplements: rows of supplement sheets by NIK|tahun, merged into every main row with the same
	// key; the ones left over load as rows of their own after the main sheets.
	supplements map[string][]*Input
	supOrder    []*Input
	taken       map[*Input]bool
	read        int
}

// sheetPlan is one sheet with a header.
type sheetPlan struct {
	name   string
	lay    Layout
	cols   *colMap
	prefix []GridRow // data rows already read while looking for the header
	rows   *sheetRows
}

// prefixRows is how many non-empty rows detectLayout may look at: the scan window, a second header
// row, and a row of column numbers under it.
const prefixRows = headerScan + 3

// planFile reads the top of every sheet and maps its header. A sheet without a recognisable header is
// reported, not fatal; a file where no sheet has one is refused. The caller closes the plan.
func planFile(src source, name string, over map[string]string, lim Limits) (_ *filePlan, err error) {
	b := &Batch{Filename: name, TahunBySheet: map[string]int{}, Date1904: src.Date1904()}
	p := &filePlan{name: name, src: src, batch: b}
	defer func() {
		if err != nil { // the caller closes the file itself
			p.closeSheets()
		}
	}()
	hasYear := false
	unknown := map[string]bool{}
	var supplement []*sheetPlan
	for _, sheet := range src.Sheets() {
		it, err := src.Rows(sheet)
		if err != nil {
			return nil, err
		}
		rows := newSheetRows(it, name, sheet, lim, &p.read)
		g := Grid{Sheet: sheet, Merges: src.Merges(sheet), Date1904: b.Date1904}
		for len(g.Rows) < prefixRows && rows.Next() {
			g.Rows = append(g.Rows, rows.Row())
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return nil, err
		}
		mergeValues(&g)
		lay, ok := detectLayout(&g, over)
		if !ok {
			rows.Close()
			if len(g.Rows) > 0 && sheet != TemplateSheetPetunjuk {
				b.Warnings = append(b.Warnings, fmt.Sprintf("lembar %q dilewati: baris judul kolom (NIK, Nama Koperasi, ...) tidak ditemukan", sheet))
			}
			continue
		}
		sp := &sheetPlan{name: sheet, lay: lay, cols: newColMap(lay, 0), prefix: g.Rows[min(lay.DataFrom, len(g.Rows)):], rows: rows}
		p.sheets = append(p.sheets, sp)
		if isSupplement(lay) {
			supplement = append(supplement, sp)
		}
		for _, u := range lay.Unknown {
			unknown[u] = true
		}
		b.TahunBySheet[sheet] = lay.TahunBuku
		if lay.TahunBuku > 0 {
			hasYear = true
		}
		for _, c := range lay.Columns {
			if c.Field == "tahun_buku" {
				hasYear = true
			}
			if c.Field != "" {
				setLabel(b, c.Field, c.Label)
			}
		}
	}
	if len(p.sheets) == 0 {
		return nil, &FileError{File: name, Msg: "tidak ada lembar dengan baris judul kolom yang dikenali (minimal NIK atau Nama Koperasi dan satu kolom lain); pakai templat `pantau template`"}
	}
	if !hasYear {
		b.Kind = KindRegistrasi
	}
	for u := range unknown {
		b.Unrecognised = append(b.Unrecognised, u)
	}
	sort.Strings(b.Unrecognised)
	// Supplement sheets complete main rows only when there is a main sheet; a file of nothing but
	// finance sheets loads them as they are.
	if len(supplement) > 0 && len(supplement) < len(p.sheets) {
		p.supplements, p.taken = map[string][]*Input{}, map[*Input]bool{}
		main := p.sheets[:0]
		for _, sp := range p.sheets {
			if !isSupplement(sp.lay) {
				main = append(main, sp)
				continue
			}
			err := p.eachRow(sp, func(in *Input) error {
				if !in.Totals && in.hasData() {
					in.materialise()
					if k := p.supplementKey(in); k != "" {
						p.supplements[k] = append(p.supplements[k], in)
					}
				}
				p.supOrder = append(p.supOrder, in)
				return nil
			})
			sp.rows.Close()
			if err != nil {
				return nil, err
			}
		}
		p.sheets = main
	}
	return p, nil
}

// each streams every data row to fn: the main sheets in order (supplement rows merged in), then the
// supplement rows no main row took.
func (p *filePlan) each(fn func(in *Input) error) error {
	for _, sp := range p.sheets {
		err := p.eachRow(sp, func(in *Input) error {
			if p.supplements != nil && !in.Totals && in.hasData() {
				k := p.supplementKey(in)
				if sups := p.supplements[k]; k != "" && len(sups) > 0 {
					in.materialise()
					for _, s := range sups {
						mergeInto(in, s)
						p.taken[s] = true
					}
					// Kept for the key's later main rows: an exact copy of this row must be completed
					// alike, or it would read as a conflicting duplicate.
				}
			}
			return fn(in)
		})
		if err != nil {
			return err
		}
	}
	for _, in := range p.supOrder {
		if p.taken[in] {
			continue // merged into a main row
		}
		if err := fn(in); err != nil {
			return err
		}
	}
	return nil
}

// eachRow streams one sheet's data rows as Inputs, then notes a sheet cut short by empty rows.
func (p *filePlan) eachRow(sp *sheetPlan, fn func(in *Input) error) error {
	emit := func(row GridRow) error {
		in := &Input{Sheet: sp.name, Row: row.Number, cols: sp.cols, cells: row.Cells, machine: row.Machine}
		in.Totals = isTotalsRow(row.Cells, sp.lay)
		return fn(in)
	}
	for _, row := range sp.prefix {
		if err := emit(row); err != nil {
			return err
		}
	}
	sp.prefix = nil
	for sp.rows.Next() {
		if err := emit(sp.rows.Row()); err != nil {
			return err
		}
	}
	if err := sp.rows.Err(); err != nil {
		return err
	}
	if sp.rows.truncated != "" {
		w := sp.rows.truncated // a CSV has no sheet to name
		if sp.name != "" {
			w = fmt.Sprintf("lembar %q: %s", sp.name, w)
		}
		p.batch.Warnings = append(p.batch.Warnings, w)
	}
	return nil
}

// supplementKey identifies a row across sheets: its 16-digit NIK and tahun buku.
func (p *filePlan) supplementKey(in *Input) string {
	nikText, _ := in.text("nik")
	yText, _ := in.text("tahun_buku")
	nik := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, nikText)
	if len(nik) != 16 {
		return ""
	}
	y := strings.TrimSpace(yText)
	if y == "" && p.batch.TahunBySheet[in.Sheet] > 0 {
		y = strconv.Itoa(p.batch.TahunBySheet[in.Sheet])
	}
	return nik + "|" + y
}

// Close closes the sheets' readers and the file.
func (p *filePlan) Close() error {
	p.closeSheets()
	return p.src.Close()
}

func (p *filePlan) closeSheets() {
	for _, sp := range p.sheets {
		sp.rows.Close()
	}
}

// collect reads every row into the batch (tests, the fuzzer, ReadFile).
func (p *filePlan) collect() (*Batch, error) {
	err := p.each(func(in *Input) error {
		p.batch.Inputs = append(p.batch.Inputs, *in)
		return nil
	})
	return p.batch, err
}
