package ingest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"

	"github.com/pantau-koperasi/pantau/ingest/xlsxscan"
)

// The worksheet half of the streaming XLSX reader (the workbook is opened by xlsx_book.go): the
// <row> and <c> elements of one sheet part, walked with xlsxscan's byte scanner as the part is
// inflated, each cell's value exactly what excelize v2.11.0 returns with RawCellValue (see readCell).
//
// Memory: the scanner's 64 KB buffer (grown only for a tag or text longer than that, up to
// xlsxscan.MaxToken), the shared-string table, and per row one string holding the row's own text
// plus the two slices Cells returns. Nothing depends on the number of rows.

// xlsxRows iterates the <row> elements of one worksheet part.
type xlsxRows struct {
	book  *xlsxBook
	sheet string
	rc    io.ReadCloser
	s     *xlsxscan.Scanner
	err   error
	done  bool

	number  int
	padded  int64     // empty cells before the last cell of the rows read so far
	filled  int64     // non-empty cells read so far
	rowBuf  []byte    // text of the current row's non-shared cells, back to back
	cells   []rowCell // the current row's non-empty cells, in document order
	scratch []byte    // one cell's <v>
	runs    []byte    // one inline string's runs
	inline  []byte    // one inline string's text, decoded
	started bool      // inside <sheetData>
}

type rowCell struct {
	col        int
	start, end int    // text in rowBuf when shared == false
	shared     bool   // text is sharedText
	sharedText string // a shared string, referenced not copied
	machine    bool
}

// Rows starts reading a sheet (visible or not) by name.
func (b *xlsxBook) Rows(sheet string) (rows *xlsxRows, err error) {
	defer func() {
		if r := recover(); r != nil {
			rows, err = nil, &FileError{File: b.name, Msg: fmt.Sprintf("lembar %q rusak; simpan ulang dari Excel/LibreOffice", sheet), Err: fmt.Errorf("panic: %v", r)}
		}
	}()
	p, ok := b.sheetPart(sheet)
	if !ok {
		return nil, &FileError{File: b.name, Msg: fmt.Sprintf("lembar %q tidak ada", sheet)}
	}
	var f *zip.File
	if b.zc != nil {
		f = b.file(p)
	}
	if f == nil {
		return nil, &FileError{File: b.name, Msg: fmt.Sprintf("lembar %q tidak ditemukan di dalam berkas (%s); simpan ulang dari Excel/LibreOffice", sheet, p)}
	}
	rc, err := f.Open()
	if err != nil {
		return nil, &FileError{File: b.name, Msg: fmt.Sprintf("lembar %q tidak dapat dibaca", sheet), Err: err}
	}
	return &xlsxRows{book: b, sheet: sheet, rc: rc, s: xlsxscan.NewScanner(rc)}, nil
}

// Next advances to the next <row> in document order.
func (r *xlsxRows) Next() (ok bool) {
	if r.done || r.err != nil {
		return false
	}
	defer func() {
		if p := recover(); p != nil {
			r.fail(fmt.Sprintf("lembar %q rusak setelah baris %d", r.sheet, r.number), fmt.Errorf("panic: %v", p))
			ok = false
		}
	}()
	for {
		tk := r.s.Next()
		switch tk.Kind {
		case xlsxscan.EOF:
			r.done = true
			if r.s.Err() != nil {
				r.fail(fmt.Sprintf("lembar %q tidak dapat dibaca setelah baris %d; simpan ulang dari Excel/LibreOffice", r.sheet, r.number), r.s.Err())
			}
			return false
		case xlsxscan.End:
			if tk.Local == "sheetData" {
				r.done = true
				r.drain()
				return false
			}
		case xlsxscan.Start:
			if !r.started {
				if tk.Local == "sheetData" {
					if tk.SelfClose {
						r.done = true
						return false
					}
					r.started = true
				}
				continue // descend into <worksheet>; other elements before sheetData are skipped below
			}
			if tk.Local != "row" {
				if !tk.SelfClose {
					r.s.SkipElement()
				}
				continue
			}
			n := r.number + 1
			if v, ok := tk.Attr("r"); ok {
				switch k := atoiLoose(bytes.TrimSpace(v)); {
				case k > 0:
					n = k
				case k < 0 && len(v) > 0 && v[0] != '-': // beyond atoiLoose's range
					n = maxXLSXRow + 1
				}
			}
			if n > maxXLSXRow {
				r.fail(fmt.Sprintf("lembar %q: nomor baris %d melebihi batas Excel (%d)", r.sheet, n, maxXLSXRow), nil)
				return false
			}
			r.number = n
			r.cells, r.rowBuf = r.cells[:0], r.rowBuf[:0]
			if !tk.SelfClose {
				if err := r.readRow(); err != nil {
					r.fail(fmt.Sprintf("lembar %q baris %d tidak dapat dibaca", r.sheet, r.number), err)
					return false
				}
			}
			if !r.withinPadding() {
				return false
			}
			return true
		}
	}
}

// withinPadding bounds the empty cells Cells pads rows with: a hostile sheet of rows holding one
// cell in column XFD compresses to almost nothing yet would make every kept row 16,384 strings
// wide. A sheet may pad up to maxPadFree cells plus padPerCell per non-empty cell in total, which
// real sheets (a remark far to the right now and then) never reach.
func (r *xlsxRows) withinPadding() bool {
	last := 0
	for _, c := range r.cells {
		last = max(last, c.col)
	}
	r.padded += int64(last - len(r.cells))
	r.filled += int64(len(r.cells))
	if r.padded <= maxPadFree+padPerCell*r.filled {
		return true
	}
	col, _ := columnName(last)
	r.fail(fmt.Sprintf("lembar %q baris %d: terlalu banyak sel kosong di antara isi (sel terjauh di kolom %s); hapus isi atau format sel yang jauh di kanan lalu simpan ulang", r.sheet, r.number, col), nil)
	return false
}

// columnName is "A" for 1, "XFD" for 16384.
func columnName(n int) (string, bool) {
	if n < 1 || n > maxXLSXColumn {
		return "", false
	}
	var b []byte
	for n > 0 {
		n--
		b = append([]byte{byte('A' + n%26)}, b...)
		n /= 26
	}
	return string(b), true
}

// drain reads the rest of the part after </sheetData> (page setup, merges: small) so that the zip
// reader checks the part's CRC-32: a damaged sheet is an error, not rows read silently wrong.
func (r *xlsxRows) drain() {
	if r.rc == nil {
		return
	}
	if err := r.s.Drain(); err != nil {
		r.fail(fmt.Sprintf("lembar %q rusak (isi tidak cocok dengan checksum); simpan ulang dari Excel/LibreOffice", r.sheet), err)
	}
}

func (r *xlsxRows) fail(msg string, err error) {
	r.done = true
	r.err = &FileError{File: r.book.name, Msg: msg, Err: err}
}

// readRow reads the cells of a <row> up to its end tag.
func (r *xlsxRows) readRow() error {
	col := 0 // previous cell's 1-based column
	for {
		tk := r.s.Next()
		switch tk.Kind {
		case xlsxscan.EOF:
			if r.s.Err() != nil {
				return r.s.Err()
			}
			return io.ErrUnexpectedEOF
		case xlsxscan.End:
			if tk.Local == "row" {
				return nil
			}
			if tk.Local == "sheetData" {
				r.done = true // an unterminated row: keep what it had, stop the sheet
				return nil
			}
		case xlsxscan.Start:
			if tk.Local != "c" {
				if !tk.SelfClose {
					r.s.SkipElement()
				}
				continue
			}
			col++
			if ref, ok := tk.Attr("r"); ok {
				c, err := cellColumn(ref)
				if err != nil {
					return err
				}
				col = c
			}
			typ, _ := tk.Attr("t")
			kind := cellKind(typ)
			if tk.SelfClose {
				continue
			}
			if err := r.readCell(col, kind); err != nil {
				return err
			}
		}
	}
}

type cellType uint8

const (
	cellNumber cellType = iota // no t, t="n" and anything unknown: the raw <v>
	cellShared                 // t="s"
	cellInline                 // t="inlineStr"
	cellText                   // t="str": <v> as written, never machine
	cellOther                  // t="b", "e", "d": <v> as written
)

func cellKind(t []byte) cellType {
	switch string(t) {
	case "s":
		return cellShared
	case "inlineStr":
		return cellInline
	case "str":
		return cellText
	case "b", "e", "d":
		return cellOther
	}
	return cellNumber
}

// readCell reads one <c> after its start tag and records its value (the cached <v> of a formula;
// <f> is skipped).
func (r *xlsxRows) readCell(col int, kind cellType) error {
	var v []byte
	haveV := false
	var inline []byte // the inline string's text, decoded
	haveIS := false
	for {
		tk := r.s.Next()
		switch tk.Kind {
		case xlsxscan.EOF:
			if r.s.Err() != nil {
				return r.s.Err()
			}
			return io.ErrUnexpectedEOF
		case xlsxscan.End:
			if tk.Local != "c" {
				continue
			}
			cell := rowCell{col: col}
			switch kind {
			case cellShared:
				if !haveV || len(v) == 0 {
					return nil
				}
				i := atoiLoose(bytes.TrimSpace(v))
				text := r.book.sst.At(i) // "" for an invalid index, as excelize reads it
				if text == "" {
					return nil
				}
				cell.shared, cell.sharedText = true, text
				r.cells = append(r.cells, cell)
				return nil
			case cellInline:
				if haveIS {
					v = inline
				}
			case cellNumber:
				cell.machine = len(v) > 0 && isMachineNumber(v)
			}
			if len(v) == 0 {
				return nil
			}
			if len(r.rowBuf)+len(v) > maxRowBytes {
				return errRowTooLong
			}
			cell.start = len(r.rowBuf)
			r.rowBuf = append(r.rowBuf, v...)
			cell.end = len(r.rowBuf)
			r.cells = append(r.cells, cell)
			return nil
		case xlsxscan.Start:
			switch tk.Local {
			case "v":
				haveV = true
				r.scratch = r.scratch[:0]
				if !tk.SelfClose {
					var err error
					if r.scratch, err = r.s.Text(r.scratch); err != nil {
						return err
					}
				}
				v = r.scratch
			case "is":
				haveIS = true
				r.inline = r.inline[:0]
				if !tk.SelfClose {
					var err error
					r.inline, r.runs, err = r.s.RichText(r.inline, r.runs[:0])
					if err != nil {
						return err
					}
					r.inline = append(r.inline, r.runs...)
					if bytes.Contains(r.inline, []byte("_x")) {
						r.inline = append(r.inline[:0], xlsxscan.DecodeEscapes(string(r.inline))...)
					}
				}
				inline = r.inline
			default: // <f>, <extLst>…
				if !tk.SelfClose {
					r.s.SkipElement()
				}
			}
		}
	}
}

// Number is the current row's 1-based number.
func (r *xlsxRows) Number() int { return r.number }

// Cells returns the current row's cell texts and machine-number flags by 0-based column, up to the
// last non-empty cell. Both slices are fresh and exactly sized: the caller may keep them.
func (r *xlsxRows) Cells() ([]string, []bool) {
	last := 0
	for _, c := range r.cells {
		last = max(last, c.col)
	}
	if last == 0 {
		return []string{}, []bool{}
	}
	vals := make([]string, last)
	machine := make([]bool, last)
	text := string(r.rowBuf) // one allocation per row; the cells are slices of it
	for _, c := range r.cells {
		if c.shared {
			vals[c.col-1] = c.sharedText
		} else {
			vals[c.col-1] = text[c.start:c.end]
		}
		machine[c.col-1] = c.machine
	}
	return vals, machine
}

// Row is the current row as a GridRow (so *xlsxRows is a rowIter for source.go); its slices are
// fresh, as Cells'.
func (r *xlsxRows) Row() GridRow {
	cells, machine := r.Cells()
	return GridRow{Number: r.number, Cells: cells, Machine: machine}
}

var _ rowIter = (*xlsxRows)(nil)

// xlsxStreamSource adapts an opened workbook to source (source.go): openXLSXSource can return
// xlsxStreamSource{book} for a book from openXLSX.
type xlsxStreamSource struct{ *xlsxBook }

var _ source = xlsxStreamSource{}

// Rows starts reading a sheet.
func (s xlsxStreamSource) Rows(sheet string) (rowIter, error) {
	r, err := s.xlsxBook.Rows(sheet)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Err is the error that stopped the iteration, if any (a *FileError).
func (r *xlsxRows) Err() error { return r.err }

// Close releases the sheet's stream.
func (r *xlsxRows) Close() error {
	r.done = true
	if r.rc == nil {
		return nil
	}
	err := r.rc.Close()
	r.rc = nil
	return err
}

// cellColumn parses the column of a cell reference ("C5" → 3, 1-based), as excelize's
// CellNameToCoordinates: letters (any case, optional $), then a row number.
func cellColumn(ref []byte) (int, error) {
	i := 0
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	col, letters := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		letters++
		if col > maxXLSXColumn {
			return 0, fmt.Errorf("referensi sel %q melewati kolom terakhir Excel (XFD)", truncRef(ref))
		}
	}
	if i < len(ref) && ref[i] == '$' {
		i++
	}
	digits := 0
	for ; i < len(ref) && ref[i] >= '0' && ref[i] <= '9'; i++ {
		digits++
	}
	if letters == 0 || digits == 0 || i != len(ref) {
		return 0, fmt.Errorf("referensi sel %q tidak sah", truncRef(ref))
	}
	return col, nil
}

func truncRef(b []byte) string {
	if len(b) > 20 {
		return string(b[:20]) + "…"
	}
	return string(b)
}

// atoiLoose is excelize's index parse: strconv.Atoi, and 0 when that fails.
func atoiLoose(b []byte) int {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
		if n > 1<<40 {
			return -1 // far beyond any table: out of range either way
		}
	}
	if neg {
		return -n
	}
	return n
}
