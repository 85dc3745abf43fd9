package ingest

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/pantau-koperasi/pantau/internal/fields"
)

// Column is one column of a sheet as the header names it.
type Column struct {
	Index int
	Label string // as written (both header rows joined for two-row headers)
	Field string // canonical field; "" when not recognised
}

// Layout is where a sheet's data starts and what its columns mean.
type Layout struct {
	HeaderRows []int // physical row numbers of the header (one or two)
	DataFrom   int   // index into Grid.Rows of the first data row
	Columns    []Column
	TahunBuku  int      // from the sheet name or a title row, 0 when none
	Unknown    []string // labels not recognised
}

// headerScan is how many rows from the top may hold titles before the header.
const headerScan = 30

var yearRe = regexp.MustCompile(`(?i)(?:tahun(?:\s*buku)?|tb|th\.?|periode)\s*[:\-]?\s*((?:19|20)\d{2})\b`)
var bareYearRe = regexp.MustCompile(`^\s*(?:(?:tahun|tb|th)\s*)?((?:19|20)\d{2})\s*$`)

// detectLayout finds the header below any title rows: the row (or pair of rows, for a merged group
// header such as "Jumlah Anggota" over "Pria" | "Wanita") whose cells match the most canonical fields.
func detectLayout(g *Grid, overrides map[string]string) (Layout, bool) {
	fillMerges(g)
	best := Layout{}
	bestScore := 0
	limit := min(len(g.Rows), headerScan)
	for i := 0; i < limit; i++ {
		one := mapColumns(g.Rows[i].Cells, nil, overrides)
		if s := score(one); s > bestScore {
			bestScore = s
			best = Layout{HeaderRows: []int{g.Rows[i].Number}, DataFrom: i + 1, Columns: one}
		}
		// A two-row header: group labels above sub-labels. The top row must hold at least two labels
		// (a lone title is not a group row) and the pair must beat the lower row read alone.
		if i+1 < len(g.Rows) && g.Rows[i+1].Number == g.Rows[i].Number+1 && nonEmpty(g.Rows[i].Cells) >= 2 {
			two := mapColumns(g.Rows[i].Cells, g.Rows[i+1].Cells, overrides)
			lower := score(mapColumns(g.Rows[i+1].Cells, nil, overrides))
			if s := score(two); s > bestScore && s > lower {
				bestScore = s
				best = Layout{HeaderRows: []int{g.Rows[i].Number, g.Rows[i+1].Number}, DataFrom: i + 2, Columns: two}
			}
		}
	}
	if bestScore < 2 || !hasIdentity(best.Columns) {
		return Layout{}, false
	}
	// Drop a row of column numbers under the header ("1 2 3 4 ..."), common in government forms.
	if best.DataFrom < len(g.Rows) && isNumberingRow(g.Rows[best.DataFrom].Cells) {
		best.DataFrom++
	}
	seen := map[string]bool{}
	for i, c := range best.Columns {
		if c.Field == "" {
			if c.Label != "" && !isNumberColumn(c.Label) {
				best.Unknown = append(best.Unknown, c.Label)
			}
			continue
		}
		if seen[c.Field] { // the same field twice: keep the first, report the second
			best.Unknown = append(best.Unknown, c.Label+" (duplikat kolom "+c.Field+")")
			best.Columns[i].Field = ""
		}
		seen[c.Field] = true
	}
	best.TahunBuku = yearFrom(g.Sheet, g.Rows[:max(best.DataFrom-len(best.HeaderRows), 0)])
	return best, true
}

func nonEmpty(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

// score counts the distinct canonical fields a header row names (a merged group label repeated over
// its columns counts once, so the two-row reading of the group can win).
func score(cols []Column) int {
	seen := make(map[string]bool, len(cols))
	for _, c := range cols {
		if c.Field != "" {
			seen[c.Field] = true
		}
	}
	return len(seen)
}

func hasIdentity(cols []Column) bool {
	for _, c := range cols {
		if c.Field == "nik" || c.Field == "nama_koperasi" {
			return true
		}
	}
	return false
}

// mapColumns matches header cells (and a second header row, when given) to canonical fields.
func mapColumns(top, bottom []string, overrides map[string]string) []Column {
	n := max(len(top), len(bottom))
	cols := make([]Column, n)
	group := ""
	for i := 0; i < n; i++ {
		t, b := cell(top, i), cell(bottom, i)
		if bottom != nil {
			// A group label spans the columns after it until the next label (merged cells read empty).
			if t != "" {
				group = t
			} else if b == "" {
				group = ""
			}
			if b == "" {
				cols[i] = match(i, t, overrides)
				continue
			}
			if group != "" {
				if c := match(i, group+" "+b, overrides); c.Field != "" {
					c.Label = group + " / " + b
					cols[i] = c
					continue
				}
			}
			cols[i] = match(i, b, overrides)
			continue
		}
		cols[i] = match(i, t, overrides)
	}
	return cols
}

func match(i int, label string, overrides map[string]string) Column {
	c := Column{Index: i, Label: strings.TrimSpace(label)}
	if f, ok := fields.Match(label, overrides); ok {
		c.Field = f.Name
	}
	return c
}

func cell(row []string, i int) string {
	if i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

// maxHeaderCols bounds the columns a merged header range may fill (a hostile merge "A1:XFD1048576"
// must not allocate millions of cells).
const maxHeaderCols = 1024

// fillMerges copies a merged range's value into every cell of the range within the first rows, so a
// merged header group reads on every column it covers.
func fillMerges(g *Grid) {
	if len(g.Merges) == 0 {
		return
	}
	idx := map[int]int{}
	for i, r := range g.Rows {
		if i >= headerScan+1 {
			break
		}
		idx[r.Number] = i
	}
	for _, m := range g.Merges {
		if m.Row1 > headerScan+1 {
			continue
		}
		for rn := m.Row1; rn <= min(m.Row2, headerScan+1); rn++ {
			i, ok := idx[rn]
			if !ok {
				continue
			}
			row := &g.Rows[i]
			for c := max(m.Col1, 0); c <= m.Col2 && c < maxHeaderCols; c++ {
				for len(row.Cells) <= c {
					row.Cells = append(row.Cells, "")
					row.Machine = append(row.Machine, false)
				}
				// Only the first row of a vertical merge keeps the label; a label merged over two
				// header rows must not become its own sub-label.
				if rn == m.Row1 {
					row.Cells[c] = m.Value
				} else if c == m.Col1 || row.Cells[c] == "" {
					row.Cells[c] = ""
				}
			}
		}
	}
}

func isNumberColumn(label string) bool {
	n := fields.NormaliseLabel(label)
	return n == "nomor" || n == "nomor urut" || n == "urut" || n == "#"
}

func isNumberingRow(cells []string) bool {
	k := 0
	for _, c := range cells {
		c = strings.Trim(strings.TrimSpace(c), "()")
		if c == "" {
			continue
		}
		v, err := strconv.Atoi(c)
		if err != nil || v != k+1 {
			return false
		}
		k++
	}
	return k >= 3
}

// yearFrom reads the tahun buku from the sheet name ("2023", "TB 2023") or a title row above the
// header ("LAPORAN TAHUNAN KOPERASI TAHUN BUKU 2023").
func yearFrom(sheet string, titles []GridRow) int {
	if m := bareYearRe.FindStringSubmatch(strings.ToLower(sheet)); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y
	}
	if m := yearRe.FindStringSubmatch(sheet); m != nil {
		y, _ := strconv.Atoi(m[1])
		return y
	}
	for _, r := range titles {
		for _, c := range r.Cells {
			if m := yearRe.FindStringSubmatch(c); m != nil {
				y, _ := strconv.Atoi(m[1])
				return y
			}
		}
	}
	return 0
}

var totalsRe = regexp.MustCompile(`(?i)^\s*(jumlah|total|grand\s*total|sub\s*total|jumlah\s*total|total\s*keseluruhan)\s*:?\s*$`)

// isTotalsRow: a "JUMLAH"/"TOTAL" row that sums the cooperatives above it; it is not a cooperative.
// The word stands in one of the first two filled cells (under "No", "NIK" or "Nama", as people write it).
func isTotalsRow(cells []string, lay Layout) bool {
	seen := 0
	for _, c := range cells {
		if strings.TrimSpace(c) == "" {
			continue
		}
		if totalsRe.MatchString(c) {
			return true
		}
		seen++
		if seen == 2 {
			return false
		}
	}
	return false
}
