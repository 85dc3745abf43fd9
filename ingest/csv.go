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

// Read reads a CSV written by any spreadsheet: ";" or "," (or tab) delimiter, UTF-8 with or without
// BOM, or Windows-1252 (what Excel on an Indonesian Windows saves by default).
func (csvReader) Read(path string, lim Limits) ([]Grid, error) {
	name := filepath.Base(path)
	if _, err := checkSize(path, lim); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &FileError{File: name, Msg: "berkas tidak dapat dibaca", Err: err}
	}
	g, err := ParseCSV(b, name, lim)
	if err != nil {
		return nil, err
	}
	return []Grid{g}, nil
}

// ParseCSV parses CSV bytes into one grid (exported for the fuzzer and the API path).
func ParseCSV(b []byte, name string, lim Limits) (Grid, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		dec, err := charmap.Windows1252.NewDecoder().Bytes(b)
		if err != nil {
			return Grid{}, &FileError{File: name, Msg: "pengodean teks tidak dikenal; simpan sebagai CSV UTF-8", Err: err}
		}
		b = dec
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = sniffDelimiter(b)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	g := Grid{Sheet: ""}
	// n is the row as a spreadsheet numbers it: encoding/csv skips blank lines, which Excel counts,
	// so the gap in line numbers since the previous record's end is added back.
	n, empty, prevEnd := 0, 0, 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		n++
		if err == nil && len(rec) > 0 {
			line, _ := r.FieldPos(0)
			if gap := line - prevEnd - 1; gap > 0 {
				n += gap
			}
			last, _ := r.FieldPos(len(rec) - 1)
			prevEnd = last + strings.Count(rec[len(rec)-1], "\n")
		}
		if err != nil {
			return Grid{}, &FileError{File: name, Msg: fmt.Sprintf("baris %d tidak dapat dibaca sebagai CSV", n), Err: err}
		}
		if isEmpty(rec) {
			empty++
			if lim.MaxEmptyRows > 0 && empty >= lim.MaxEmptyRows {
				g.Truncated = fmt.Sprintf("berhenti setelah %d baris kosong berturut-turut (ingest.max_empty_rows)", empty)
				break
			}
			continue
		}
		empty = 0
		if lim.MaxRows > 0 && len(g.Rows) >= lim.MaxRows {
			return Grid{}, &FileError{File: name, Msg: fmt.Sprintf("berkas memiliki lebih dari %d baris (ingest.max_rows); pecah menjadi beberapa berkas", lim.MaxRows)}
		}
		g.Rows = append(g.Rows, GridRow{Number: n, Cells: rec, Machine: make([]bool, len(rec))})
		if lim.Progress != nil && len(g.Rows)%progressEvery == 0 {
			lim.Progress(len(g.Rows))
		}
	}
	return g, nil
}

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
