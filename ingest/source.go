package ingest

import (
	"fmt"
	"path/filepath"
	"strings"
)

// A source is a spreadsheet opened for streaming: its sheets, each read row by row. Files are never
// held whole: a 200,000-row sheet passes through in chunks (see stream.go), so memory does not grow
// with the number of rows.
type source interface {
	// Sheets are the sheets to read, in workbook order (hidden sheets left out).
	Sheets() []string
	Date1904() bool
	// Merges are the sheet's merged ranges (header groups are filled from them).
	Merges(sheet string) []Merge
	Rows(sheet string) (rowIter, error)
	Close() error
}

// rowIter walks one sheet's rows in order. Row's slices belong to the caller.
type rowIter interface {
	Next() bool
	Row() GridRow
	Err() error
	Close() error
}

// openSource opens path for streaming; kind is the name that picks the reader (the original name, or
// the converted one for legacy files).
func openSource(path, kind string, lim Limits) (source, error) {
	switch strings.ToLower(filepath.Ext(kind)) {
	case ".xlsx", ".xlsm":
		return openXLSXSource(path, lim)
	case ".csv", ".txt":
		return openCSVSource(path, lim)
	}
	return nil, unsupported(kind)
}

// collectGrid reads a source's sheet whole, applying the limits.
func collectGrid(src source, file, sheet string, lim Limits) (Grid, error) {
	it, err := src.Rows(sheet)
	if err != nil {
		return Grid{}, err
	}
	read := 0
	rows := newSheetRows(it, file, sheet, lim, &read)
	defer rows.Close()
	g := Grid{Sheet: sheet, Merges: src.Merges(sheet), Date1904: src.Date1904()}
	for rows.Next() {
		g.Rows = append(g.Rows, rows.Row())
	}
	if err := rows.Err(); err != nil {
		return Grid{}, err
	}
	g.Truncated = rows.truncated
	return g, nil
}

// sheetRows applies Limits to a sheet's rows: empty rows are skipped (and a long run of them ends the
// sheet with a warning), too many rows is an error naming the sheet, and progress is reported.
type sheetRows struct {
	it        rowIter
	file      string
	sheet     string
	lim       Limits
	read      *int // rows read in the whole file, for progress
	prev      int  // number of the previous row
	kept      int
	row       GridRow
	err       error
	truncated string
}

func newSheetRows(it rowIter, file, sheet string, lim Limits, read *int) *sheetRows {
	return &sheetRows{it: it, file: file, sheet: sheet, lim: lim, read: read}
}

// Next moves to the next non-empty row.
func (s *sheetRows) Next() bool {
	if s.err != nil || s.truncated != "" {
		return false
	}
	empty := 0
	for s.it.Next() {
		row := s.it.Row()
		// Rows absent from the file between two present ones are empty rows too.
		if gap := row.Number - s.prev - 1; gap > 0 && s.prev > 0 {
			empty += gap
		}
		s.prev = row.Number
		if isEmpty(row.Cells) {
			empty++
		}
		if s.lim.MaxEmptyRows > 0 && empty >= s.lim.MaxEmptyRows {
			s.truncated = fmt.Sprintf("berhenti setelah %d baris kosong berturut-turut (ingest.max_empty_rows)", empty)
			return false
		}
		if isEmpty(row.Cells) {
			continue
		}
		if s.lim.MaxRows > 0 && s.kept >= s.lim.MaxRows {
			what := "berkas"
			if s.sheet != "" {
				what = fmt.Sprintf("lembar %q", s.sheet)
			}
			s.err = &FileError{File: s.file, Msg: fmt.Sprintf("%s memiliki lebih dari %d baris (ingest.max_rows); pecah menjadi beberapa berkas", what, s.lim.MaxRows)}
			return false
		}
		s.kept++
		if s.read != nil {
			*s.read++
			if s.lim.Progress != nil && *s.read%progressEvery == 0 {
				s.lim.Progress(*s.read)
			}
		}
		s.row = row
		return true
	}
	if err := s.it.Err(); err != nil {
		s.err = err
	}
	if t, ok := s.it.(interface{ Truncated() string }); ok && t.Truncated() != "" {
		s.truncated = t.Truncated()
	}
	return false
}

func (s *sheetRows) Row() GridRow { return s.row }
func (s *sheetRows) Err() error   { return s.err }
func (s *sheetRows) Close() error { return s.it.Close() }

// gridIter walks rows already in memory (the sheet of a legacy reader, tests).
type gridIter struct {
	rows      []GridRow
	i         int
	truncated string
}

// Truncated passes on the grid's note that its reader stopped early.
func (g *gridIter) Truncated() string { return g.truncated }

func (g *gridIter) Next() bool {
	if g.i >= len(g.rows) {
		return false
	}
	g.i++
	return true
}
func (g *gridIter) Row() GridRow { return g.rows[g.i-1] }
func (g *gridIter) Err() error   { return nil }
func (g *gridIter) Close() error { return nil }

// gridSource serves grids already read whole.
type gridSource struct{ grids []Grid }

func (s gridSource) Sheets() []string {
	out := make([]string, len(s.grids))
	for i, g := range s.grids {
		out[i] = g.Sheet
	}
	return out
}

func (s gridSource) Date1904() bool {
	for _, g := range s.grids {
		if g.Date1904 {
			return true
		}
	}
	return false
}

func (s gridSource) grid(sheet string) *Grid {
	for i := range s.grids {
		if s.grids[i].Sheet == sheet {
			return &s.grids[i]
		}
	}
	return nil
}

func (s gridSource) Merges(sheet string) []Merge {
	if g := s.grid(sheet); g != nil {
		return g.Merges
	}
	return nil
}

func (s gridSource) Rows(sheet string) (rowIter, error) {
	g := s.grid(sheet)
	if g == nil {
		return &gridIter{}, nil
	}
	return &gridIter{rows: g.Rows, truncated: g.Truncated}, nil
}

func (s gridSource) Close() error { return nil }
