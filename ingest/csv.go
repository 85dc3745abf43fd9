package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// ParseCSV parses CSV bytes into one grid (exported for the fuzzer and the API path).
func ParseCSV(b []byte, name string, lim Limits) (Grid, error) {
	return collectGrid(newCSVSource(b, name), name, "", lim)
}

// csvSource is a CSV file as one unnamed sheet, read record by record from the file (never whole).
type csvSource struct {
	name   string
	open   func() (io.ReadCloser, error)
	cp1252 bool // not UTF-8: decoded as Windows-1252
	files  []io.Closer
}

// openCSVSource reads a CSV written by any spreadsheet: ";" or "," (or tab) delimiter, UTF-8 with or
// without BOM, or Windows-1252 (what Excel on an Indonesian Windows saves by default). The encoding
// is settled by one streaming pass over the bytes before the rows are read.
func openCSVSource(path string, lim Limits) (source, error) {
	name := filepath.Base(path)
	if _, err := checkSize(path, lim); err != nil {
		return nil, err
	}
	open := func() (io.ReadCloser, error) { return os.Open(path) }
	f, err := open()
	if err != nil {
		return nil, &FileError{File: name, Msg: "berkas tidak dapat dibaca", Err: err}
	}
	valid, err := validUTF8(f)
	f.Close()
	if err != nil {
		return nil, &FileError{File: name, Msg: "berkas tidak dapat dibaca", Err: err}
	}
	return &csvSource{name: name, open: open, cp1252: !valid}, nil
}

func newCSVSource(b []byte, name string) *csvSource {
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return &csvSource{name: name, open: open, cp1252: !utf8.Valid(bytes.TrimPrefix(b, utf8BOM))}
}

var utf8BOM = []byte("\xef\xbb\xbf")

// validUTF8 reports whether r's bytes are UTF-8, reading them in blocks (a rune cut by a block's end
// is carried over to the next).
func validUTF8(r io.Reader) (bool, error) {
	buf := make([]byte, 64<<10)
	carry := 0
	for {
		n, err := r.Read(buf[carry:])
		n += carry
		end := n
		if err == nil {
			// Leave an incomplete rune at the end for the next block.
			for k := 1; k <= utf8.UTFMax-1 && k <= n; k++ {
				c := buf[n-k]
				if c < 0x80 {
					break
				}
				if utf8.RuneStart(c) {
					if !utf8.FullRune(buf[n-k : n]) {
						end = n - k
					}
					break
				}
			}
		}
		if !utf8.Valid(buf[:end]) {
			return false, nil
		}
		carry = copy(buf, buf[end:n])
		if err == io.EOF {
			return carry == 0, nil
		}
		if err != nil {
			return false, err
		}
	}
}

func (s *csvSource) Sheets() []string      { return []string{""} }
func (s *csvSource) Date1904() bool        { return false }
func (s *csvSource) Merges(string) []Merge { return nil }

func (s *csvSource) Close() error {
	var errs []error
	for _, f := range s.files {
		errs = append(errs, f.Close())
	}
	s.files = nil
	return errors.Join(errs...)
}

func (s *csvSource) Rows(string) (rowIter, error) {
	f, err := s.open()
	if err != nil {
		return nil, &FileError{File: s.name, Msg: "berkas tidak dapat dibaca", Err: err}
	}
	s.files = append(s.files, f)
	br := bufio.NewReaderSize(f, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, utf8BOM) {
		br.Discard(3)
	}
	var in io.Reader = br
	if s.cp1252 {
		in = bufio.NewReaderSize(charmap.Windows1252.NewDecoder().Reader(br), 64<<10)
	}
	rd := in.(*bufio.Reader)
	head, _ := rd.Peek(8192)
	r := csv.NewReader(rd)
	r.Comma = sniffDelimiter(head)
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
