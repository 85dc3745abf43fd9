package ingest

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

type csvReader struct{}

// Read reads a whole CSV into one grid (tests and the fuzzer; ingest streams through csvSource).
func (csvReader) Read(path string, lim Limits) ([]Grid, error) {
	src, err := openCSVSource(path, lim)
	if err != nil {
		return nil, err
	}
	g, err := collectGrid(src, filepath.Base(path), "", lim)
	if err != nil {
		return nil, err
	}
	return []Grid{g}, nil
}

// ParseCSV parses CSV bytes into one grid (exported for the fuzzer and the API path).
func ParseCSV(b []byte, name string, lim Limits) (Grid, error) {
	src, err := newCSVSource(b, name)
	if err != nil {
		return Grid{}, err
	}
	return collectGrid(src, name, "", lim)
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

// csvSource is a CSV file as one unnamed sheet, read record by record. The file's bytes are held
// (a CSV is read twice over anyway: once for its hash, once here), the rows are not.
type csvSource struct {
	name string
	data []byte
}

// openCSVSource reads a CSV written by any spreadsheet: ";" or "," (or tab) delimiter, UTF-8 with or
// without BOM, or Windows-1252 (what Excel on an Indonesian Windows saves by default).
func openCSVSource(path string, lim Limits) (source, error) {
	name := filepath.Base(path)
	if _, err := checkSize(path, lim); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &FileError{File: name, Msg: "berkas tidak dapat dibaca", Err: err}
	}
	return newCSVSource(b, name)
}

func newCSVSource(b []byte, name string) (*csvSource, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		dec, err := charmap.Windows1252.NewDecoder().Bytes(b)
		if err != nil {
			return nil, &FileError{File: name, Msg: "pengodean teks tidak dikenal; simpan sebagai CSV UTF-8", Err: err}
		}
		b = dec
	}
	return &csvSource{name: name, data: b}, nil
}

func (s *csvSource) Sheets() []string      { return []string{""} }
func (s *csvSource) Date1904() bool        { return false }
func (s *csvSource) Merges(string) []Merge { return nil }
func (s *csvSource) Close() error          { return nil }
func (s *csvSource) Rows(string) (rowIter, error) {
	r := csv.NewReader(bytes.NewReader(s.data))
	r.Comma = sniffDelimiter(s.data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	return &csvRows{name: s.name, r: r}, nil
}

// csvRows numbers records as a spreadsheet numbers rows: encoding/csv skips blank lines, which Excel
// counts, so the gap in line numbers since the previous record's end is added back.
type csvRows struct {
	name    string
	r       *csv.Reader
	n, prev int
	row     GridRow
	err     error
}

func (c *csvRows) Next() bool {
	if c.err != nil {
		return false
	}
	rec, err := c.r.Read()
	if err == io.EOF {
		return false
	}
	c.n++
	if err == nil && len(rec) > 0 {
		line, _ := c.r.FieldPos(0)
		if gap := line - c.prev - 1; gap > 0 {
			c.n += gap
		}
		last, _ := c.r.FieldPos(len(rec) - 1)
		c.prev = last + strings.Count(rec[len(rec)-1], "\n")
	}
	if err != nil {
		c.err = &FileError{File: c.name, Msg: fmt.Sprintf("baris %d tidak dapat dibaca sebagai CSV", c.n), Err: err}
		return false
	}
	c.row = GridRow{Number: c.n, Cells: rec}
	return true
}

func (c *csvRows) Row() GridRow { return c.row }
func (c *csvRows) Err() error   { return c.err }
func (c *csvRows) Close() error { return nil }

// sniffDelimiter counts candidate delimiters outside quotes in the first lines.
func sniffDelimiter(b []byte) rune {
	head := string(b[:min(len(b), 8192)])
	best, bestN := ',', -1
	for _, d := range []rune{';', ',', '\t', '|'} {
		n, inQ := 0, false
		lines := 0
		for _, c := range head {
			switch {
			case c == '"':
				inQ = !inQ
			case c == '\n' && !inQ:
				lines++
			case c == d && !inQ:
				n++
			}
			if lines >= 5 {
				break
			}
		}
		if n > bestN {
			best, bestN = d, n
		}
	}
	return best
}
