package ingest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
)

// A streaming XLSX worksheet reader. excelize's OpenFile inflates every part (spilling a big sheet
// to a temporary file) and its Rows() runs encoding/xml token by token; for a 200,000-row sheet that
// is most of the ingest's CPU time. This reader inflates the worksheet part once, as a stream, and
// walks it with a hand-written byte scanner that only understands what SpreadsheetML rows need:
// tags (with any namespace prefix), attributes, character data with the five named entities and
// numeric references, CDATA, comments and processing instructions. Everything else in the part is
// skipped element by element. Values are what excelize v2.11.0 returns with RawCellValue (see
// readCell); merged ranges come from streamMerges (xlsx_merges.go).
//
// Memory: one 64 KB read buffer (grown only for a tag or text longer than that, up to
// maxScanToken), the shared-string table, and per row one string holding the row's own text plus
// the two slices Cells returns. Nothing depends on the number of rows.
//
// The small parts (workbook.xml and its relationships) are read with encoding/xml: they are a few
// kilobytes and correctness matters more there than speed.

const (
	// maxXLSXColumn is Excel's last column, XFD.
	maxXLSXColumn = 16384
	// maxXLSXRow is Excel's last row.
	maxXLSXRow = 1 << 20
	// maxScanToken bounds one tag or one run of character data held in memory (Excel itself stops
	// a cell at 32,767 characters).
	maxScanToken = 4 << 20
	// maxRowBytes bounds the text of one row.
	maxRowBytes = 16 << 20
	// maxPadFree and padPerCell bound the empty cells rows are padded with (see withinPadding).
	maxPadFree = 1 << 20
	padPerCell = 64
	// defaultSharedBudget bounds the shared-string table when no MaxUnzipBytes is set.
	defaultSharedBudget = 1 << 30
)

var (
	errScanTooLong = errors.New("tag atau teks XML terlalu panjang")
	errRowTooLong  = errors.New("isi baris terlalu panjang")
)

// xlsxInflater is the deflate decompressor registered on the workbook's zip reader: klauspost's
// inflater took 0.11 s for the 114 MB worksheet of the 200,000-row benchmark file where
// compress/flate took 0.16 s (nil = the standard library's; BenchmarkXLSXStream measures both).
var xlsxInflater zip.Decompressor = func(r io.Reader) io.ReadCloser { return flate.NewReader(r) }

// xlsxBook is an opened workbook: zip directory, sheet list, shared strings, date system.
type xlsxBook struct {
	name     string // base name of the file, for messages
	zc       *zip.ReadCloser
	files    map[string]*zip.File // lower-cased part name → entry
	sheets   []xlsxSheet          // every sheet in workbook order, hidden ones included
	date1904 bool
	sst      *sharedStrings
	// sharedPartName is the shared-string part from the relationships ("" when there is none).
	sharedPartName string
}

type xlsxSheet struct {
	name, part string
	hidden     bool
}

// openXLSX opens path after today's size and zip-bomb checks, reads the workbook and the shared
// strings. Every failure, a panic included, is a *FileError.
func openXLSX(path string, lim Limits) (book *xlsxBook, err error) {
	name := filepath.Base(path)
	defer func() {
		if r := recover(); r != nil {
			if book != nil {
				book.Close()
			}
			book, err = nil, &FileError{File: name, Msg: "berkas XLSX rusak; simpan ulang dari Excel/LibreOffice", Err: fmt.Errorf("panic: %v", r)}
		}
	}()
	size, err := checkSize(path, lim)
	if err != nil {
		return nil, err
	}
	if err := checkZip(path, size, lim); err != nil {
		return nil, err
	}
	zc, err := zip.OpenReader(path)
	if err != nil {
		return nil, &FileError{File: name, Msg: "berkas XLSX rusak atau bukan XLSX; simpan ulang dari Excel/LibreOffice", Err: err}
	}
	if xlsxInflater != nil {
		zc.RegisterDecompressor(zip.Deflate, xlsxInflater)
	}
	b := &xlsxBook{name: name, zc: zc, files: make(map[string]*zip.File, len(zc.File))}
	book = b
	for _, f := range zc.File {
		b.files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	if err := b.readWorkbook(); err != nil {
		b.Close()
		return nil, err
	}
	if err := b.readSharedStrings(lim); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// Close releases the zip file.
func (b *xlsxBook) Close() error {
	if b == nil || b.zc == nil {
		return nil
	}
	err := b.zc.Close()
	b.zc = nil
	b.sst.close()
	return err
}

// Sheets returns the visible sheets in workbook order.
func (b *xlsxBook) Sheets() []string {
	var out []string
	for _, s := range b.sheets {
		if !s.hidden {
			out = append(out, s.name)
		}
	}
	return out
}

// Date1904 reports the workbook's 1904 date system.
func (b *xlsxBook) Date1904() bool { return b.date1904 }

// Merges returns the merged ranges of a sheet (values unset), nil when there are none.
func (b *xlsxBook) Merges(sheet string) []Merge {
	p, ok := b.sheetPart(sheet)
	if !ok || b.zc == nil {
		return nil
	}
	var out []Merge
	func() {
		defer func() { recover() }() //nolint:errcheck // merges are best effort, like the excelize reader's
		out = streamMerges(&b.zc.Reader, p)
	}()
	return out
}

func (b *xlsxBook) sheetPart(sheet string) (string, bool) {
	for _, s := range b.sheets {
		if s.name == sheet {
			return s.part, true
		}
	}
	return "", false
}

func (b *xlsxBook) file(part string) *zip.File {
	return b.files[strings.ToLower(strings.TrimPrefix(part, "/"))]
}

// readPart reads a small part whole (workbook, relationships), at most 16 MB.
func (b *xlsxBook) readPart(part string) ([]byte, error) {
	f := b.file(part)
	if f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 16<<20))
}

// relTarget resolves a relationship target against the directory of the part that holds the
// relationship ("xl" for xl/workbook.xml; "" for the package root).
func relTarget(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return path.Clean(strings.TrimPrefix(target, "/"))
	}
	return strings.TrimPrefix(path.Clean(dir+"/"+target), "/")
}

// relationships reads a .rels part: id → (type, resolved target), External targets left out.
func (b *xlsxBook) relationships(part, dir string) (map[string][2]string, error) {
	data, err := b.readPart(part)
	if err != nil {
		return nil, err
	}
	out := map[string][2]string{}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return out, nil
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "Relationship" {
			continue
		}
		var id, target, typ, mode string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "Id":
				id = a.Value
			case "Target":
				target = a.Value
			case "Type":
				typ = a.Value
			case "TargetMode":
				mode = a.Value
			}
		}
		if target != "" && mode != "External" {
			out[id] = [2]string{typ, relTarget(dir, target)}
		}
	}
}

// workbookPart is the workbook's part name: the officeDocument relationship of _rels/.rels, or
// xl/workbook.xml when that is missing or points nowhere.
func (b *xlsxBook) workbookPart() string {
	rels, _ := b.relationships("_rels/.rels", "")
	for _, r := range rels {
		if strings.HasSuffix(r[0], "/officeDocument") && b.file(r[1]) != nil {
			return r[1]
		}
	}
	return "xl/workbook.xml"
}

func (b *xlsxBook) readWorkbook() error {
	wbPart := b.workbookPart()
	bad := func(err error) error {
		return &FileError{File: b.name, Msg: fmt.Sprintf("berkas XLSX rusak atau bukan XLSX (%s); simpan ulang dari Excel/LibreOffice", wbPart), Err: err}
	}
	dir := path.Dir(wbPart)
	rels, err := b.relationships(path.Join(dir, "_rels", path.Base(wbPart)+".rels"), dir)
	if err != nil {
		return bad(err)
	}
	targets := map[string]string{}
	sharedPart := ""
	for id, r := range rels {
		targets[id] = r[1]
		if strings.HasSuffix(r[0], "/sharedStrings") && (sharedPart == "" || r[1] < sharedPart) { // deterministic when there are several
			sharedPart = r[1]
		}
	}
	if sharedPart == "" && b.file(path.Join(dir, "sharedStrings.xml")) != nil {
		sharedPart = path.Join(dir, "sharedStrings.xml") // where excelize looks regardless of relationships
	}
	wb, err := b.readPart(wbPart)
	if err != nil {
		return bad(err)
	}
	if wb == nil {
		return bad(errors.New(wbPart + " tidak ada"))
	}
	dec := xml.NewDecoder(bytes.NewReader(wb))
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "workbookPr":
			for _, a := range se.Attr {
				if a.Name.Local == "date1904" {
					v, _ := strconv.ParseBool(strings.TrimSpace(a.Value))
					b.date1904 = v
				}
			}
		case "sheet":
			var s xlsxSheet
			var rid string
			for _, a := range se.Attr {
				switch {
				case a.Name.Local == "name":
					s.name = a.Value
				case a.Name.Local == "state":
					s.hidden = a.Value == "hidden" || a.Value == "veryHidden"
				case a.Name.Local == "id" && a.Name.Space != "":
					rid = a.Value
				}
			}
			s.part = targets[rid]
			if s.name != "" {
				b.sheets = append(b.sheets, s)
			}
		}
	}
	b.sharedPartName = sharedPart
	return nil
}

// readSharedStrings loads the shared-string table with the streaming scanner. Its size in memory
// (strings plus their headers) is bounded by MaxUnzipBytes.
func (b *xlsxBook) readSharedStrings(lim Limits) error {
	if b.sharedPartName == "" {
		return nil
	}
	f := b.file(b.sharedPartName)
	if f == nil {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return &FileError{File: b.name, Msg: "daftar teks bersama (sharedStrings.xml) rusak; simpan ulang dari Excel/LibreOffice", Err: err}
	}
	defer rc.Close()
	budget := int64(defaultSharedBudget)
	if lim.MaxUnzipBytes > 0 {
		budget = lim.MaxUnzipBytes
	}
	size := int64(f.UncompressedSize64)
	if size > budget {
		size = budget // a longer part fails the budget below anyway
	}
	sst, err := newSharedStrings(size)
	if err == nil {
		err = readSharedStringsInto(rc, budget, sst)
	}
	if err != nil {
		sst.close()
		return &FileError{File: b.name, Msg: "daftar teks bersama (sharedStrings.xml) rusak atau terlalu besar; simpan ulang dari Excel/LibreOffice", Err: err}
	}
	b.sst = sst
	return nil
}

// parseSharedStrings reads <sst>: one string per <si>, its <t> and rich-text runs concatenated
// (phonetic runs ignored) and _xHHHH_ escapes decoded, as excelize's xlsxSI.String does.
func parseSharedStrings(r io.Reader, budget int64) ([]string, error) {
	var out []string
	err := scanSharedStrings(r, budget, func(b []byte) error {
		out = append(out, string(b))
		return nil
	})
	return out, err
}

// scanSharedStrings passes each text of <sst> to emit (the bytes are reused after it returns).
func scanSharedStrings(r io.Reader, budget int64, emit func([]byte) error) error {
	s := newXMLScan(r)
	var used int64
	var text, runs []byte
	for {
		tk := s.next()
		switch tk.kind {
		case tokEOF:
			return s.err
		case tokStart:
			if tk.local != "si" {
				continue // <sst> and anything unexpected: descend
			}
			var str []byte
			if !tk.selfClose {
				text, runs = text[:0], runs[:0]
				var err error
				text, runs, err = s.richText(text, runs)
				if err != nil {
					return err
				}
				str = append(text, runs...)
				if bytes.Contains(str, []byte("_x")) {
					str = []byte(bstrDecode(string(str)))
				}
			}
			used += int64(len(str)) + 16
			if used > budget {
				return fmt.Errorf("lebih dari %d MB", budget>>20)
			}
			if err := emit(str); err != nil {
				return err
			}
		}
	}
}

// xlsxRows iterates the <row> elements of one worksheet part.
type xlsxRows struct {
	book  *xlsxBook
	sheet string
	rc    io.ReadCloser
	s     *xmlScan
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
	return &xlsxRows{book: b, sheet: sheet, rc: rc, s: newXMLScan(rc)}, nil
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
		tk := r.s.next()
		switch tk.kind {
		case tokEOF:
			r.done = true
			if r.s.err != nil {
				r.fail(fmt.Sprintf("lembar %q tidak dapat dibaca setelah baris %d; simpan ulang dari Excel/LibreOffice", r.sheet, r.number), r.s.err)
			}
			return false
		case tokEnd:
			if tk.local == "sheetData" {
				r.done = true
				r.drain()
				return false
			}
		case tokStart:
			if !r.started {
				if tk.local == "sheetData" {
					if tk.selfClose {
						r.done = true
						return false
					}
					r.started = true
				}
				continue // descend into <worksheet>; other elements before sheetData are skipped below
			}
			if tk.local != "row" {
				if !tk.selfClose {
					r.s.skipElement()
				}
				continue
			}
			n := r.number + 1
			if v, ok := tk.attr("r"); ok {
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
			if !tk.selfClose {
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
	if _, err := io.Copy(io.Discard, r.s.rd); err != nil {
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
		tk := r.s.next()
		switch tk.kind {
		case tokEOF:
			if r.s.err != nil {
				return r.s.err
			}
			return io.ErrUnexpectedEOF
		case tokEnd:
			if tk.local == "row" {
				return nil
			}
			if tk.local == "sheetData" {
				r.done = true // an unterminated row: keep what it had, stop the sheet
				return nil
			}
		case tokStart:
			if tk.local != "c" {
				if !tk.selfClose {
					r.s.skipElement()
				}
				continue
			}
			col++
			if ref, ok := tk.attr("r"); ok {
				c, err := cellColumn(ref)
				if err != nil {
					return err
				}
				col = c
			}
			typ, _ := tk.attr("t")
			kind := cellKind(typ)
			if tk.selfClose {
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
		tk := r.s.next()
		switch tk.kind {
		case tokEOF:
			if r.s.err != nil {
				return r.s.err
			}
			return io.ErrUnexpectedEOF
		case tokEnd:
			if tk.local != "c" {
				continue
			}
			cell := rowCell{col: col}
			switch kind {
			case cellShared:
				if !haveV || len(v) == 0 {
					return nil
				}
				i := atoiLoose(bytes.TrimSpace(v))
				text := r.book.sst.at(i) // "" for an invalid index, as excelize reads it
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
		case tokStart:
			switch tk.local {
			case "v":
				haveV = true
				r.scratch = r.scratch[:0]
				if !tk.selfClose {
					var err error
					if r.scratch, err = r.s.text(r.scratch); err != nil {
						return err
					}
				}
				v = r.scratch
			case "is":
				haveIS = true
				r.inline = r.inline[:0]
				if !tk.selfClose {
					var err error
					r.inline, r.runs, err = r.s.richText(r.inline, r.runs[:0])
					if err != nil {
						return err
					}
					r.inline = append(r.inline, r.runs...)
					if bytes.Contains(r.inline, []byte("_x")) {
						r.inline = append(r.inline[:0], bstrDecode(string(r.inline))...)
					}
				}
				inline = r.inline
			default: // <f>, <extLst>…
				if !tk.selfClose {
					r.s.skipElement()
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

// bstrDecode decodes the _xHHHH_ escapes OOXML uses for characters XML cannot carry, exactly as
// excelize's bstrUnmarshal: _x005F_ is "_", any other escape its UTF-16 unit (dropped when it is not
// a valid character, e.g. a lone surrogate), scanned left to right without overlap.
func bstrDecode(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var out strings.Builder
	out.Grow(len(s))
	i := 0
	for i < len(s) {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && isHex4(s[i+2:i+6]) && s[i+6] == '_' {
			if s[i+2:i+6] == "005F" {
				out.WriteByte('_')
			} else {
				v, _ := strconv.ParseUint(s[i+2:i+6], 16, 32)
				if r := rune(v); utf8.ValidRune(r) {
					out.WriteRune(r)
				}
			}
			i += 7
			continue
		}
		out.WriteByte(s[i])
		i++
	}
	return out.String()
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// ---- the scanner ----

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokStart
	tokEnd
)

// xmlTok is one tag. local is the element name without its namespace prefix; it is only valid
// until the next scanner call, as are the attribute bytes.
type xmlTok struct {
	kind      tokKind
	local     string
	selfClose bool
	attrs     []byte // the tag's bytes after its name
}

// attr returns an attribute's raw value (entities not decoded: the attributes read here never
// need them), matching the name without a namespace prefix.
func (t *xmlTok) attr(name string) ([]byte, bool) {
	b := t.attrs
	for {
		i := 0
		for i < len(b) && isXMLSpace(b[i]) {
			i++
		}
		j := i
		for j < len(b) && b[j] != '=' && !isXMLSpace(b[j]) && b[j] != '/' && b[j] != '>' {
			j++
		}
		if j == i {
			return nil, false
		}
		n := b[i:j]
		for j < len(b) && isXMLSpace(b[j]) {
			j++
		}
		if j >= len(b) || b[j] != '=' {
			b = b[j:]
			if len(b) == 0 || b[0] == '/' || b[0] == '>' {
				return nil, false
			}
			continue
		}
		j++
		for j < len(b) && isXMLSpace(b[j]) {
			j++
		}
		if j >= len(b) || (b[j] != '"' && b[j] != '\'') {
			return nil, false
		}
		q := b[j]
		k := bytes.IndexByte(b[j+1:], q)
		if k < 0 {
			return nil, false
		}
		v := b[j+1 : j+1+k]
		if c := bytes.LastIndexByte(n, ':'); c >= 0 {
			if string(n[:c]) == "xmlns" {
				n = nil
			} else {
				n = n[c+1:]
			}
		}
		if string(n) == name {
			return v, true
		}
		b = b[j+1+k+1:]
	}
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// xmlScan reads tags and text from a stream through its own buffer. Positions held while a
// construct is read are relative to pos, which only moves once the construct is consumed, so a
// refill (which moves buf[pos:end] to the front) never invalidates them.
type xmlScan struct {
	rd  io.Reader
	buf []byte
	pos int
	end int
	eof bool
	err error  // a read error other than io.EOF, or errScanTooLong
	tok xmlTok // the tag next returned
}

func newXMLScan(r io.Reader) *xmlScan {
	return &xmlScan{rd: r, buf: make([]byte, 64<<10)}
}

// fill reads more bytes, keeping buf[pos:end]; false when nothing more can come.
func (s *xmlScan) fill() bool {
	if s.eof {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.end, s.pos = n, 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= maxScanToken {
			s.eof, s.err = true, errScanTooLong
			return false
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.rd.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.err = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.eof, s.err = true, io.ErrNoProgress
	return false
}

// ensure makes n bytes available from pos when the stream has them.
func (s *xmlScan) ensure(n int) bool {
	for s.end-s.pos < n {
		if !s.fill() {
			return false
		}
	}
	return true
}

// skipToLT moves pos to the next '<', dropping the text before it.
func (s *xmlScan) skipToLT() bool {
	for {
		if i := bytes.IndexByte(s.buf[s.pos:s.end], '<'); i >= 0 {
			s.pos += i
			return true
		}
		s.pos = s.end
		if !s.fill() {
			return false
		}
	}
}

// find returns the offset from pos of the first sep at or after offset off, filling as needed.
func (s *xmlScan) find(sep []byte, off int) int {
	for {
		if i := bytes.Index(s.buf[s.pos+off:s.end], sep); i >= 0 {
			return off + i
		}
		off = max(0, s.end-s.pos-len(sep)+1)
		if !s.fill() {
			return -1
		}
	}
}

var (
	sepCommentEnd = []byte("-->")
	sepCDATAEnd   = []byte("]]>")
	sepPIEnd      = []byte("?>")
	sepCDATA      = []byte("<![CDATA[")
)

// markup skips a comment, processing instruction or declaration at pos ('<!' or '<?'). A CDATA
// section is not skipped: it returns false and leaves pos on it.
func (s *xmlScan) markup() bool {
	s.ensure(9)
	b := s.buf[s.pos:s.end]
	var end int
	switch {
	case bytes.HasPrefix(b, []byte("<!--")):
		end = s.find(sepCommentEnd, 4)
		if end >= 0 {
			end += 3
		}
	case bytes.HasPrefix(b, sepCDATA):
		return false
	case bytes.HasPrefix(b, []byte("<?")):
		end = s.find(sepPIEnd, 2)
		if end >= 0 {
			end += 2
		}
	default: // <!DOCTYPE …>: a declaration, skipped to its '>' (internal subsets are not supported)
		end = s.tagEnd()
		if end >= 0 {
			end++
		}
	}
	if end < 0 {
		s.pos = s.end
		return true
	}
	s.pos += end
	return true
}

// indexByte is the offset from pos of the first c at or after off, filling as needed; -1 at EOF.
func (s *xmlScan) indexByte(c byte, off int) int {
	for {
		if i := bytes.IndexByte(s.buf[s.pos+off:s.end], c); i >= 0 {
			return off + i
		}
		off = s.end - s.pos
		if !s.fill() {
			return -1
		}
	}
}

// tagEnd is the offset from pos of the '>' closing the tag at pos, quotes respected; -1 at EOF.
func (s *xmlScan) tagEnd() int {
	off := 1
	var q byte
	for {
		b := s.buf[s.pos:s.end]
		for ; off < len(b); off++ {
			c := b[off]
			if q != 0 {
				if c == q {
					q = 0
				}
				continue
			}
			switch c {
			case '"', '\'':
				q = c
			case '>':
				return off
			}
		}
		if !s.fill() {
			return -1
		}
	}
}

// next returns the next start or end tag, skipping text, comments, CDATA and processing
// instructions.
func (s *xmlScan) next() *xmlTok {
	for {
		if !s.skipToLT() {
			s.tok = xmlTok{}
			return &s.tok
		}
		if !s.ensure(2) {
			s.pos = s.end
			s.tok = xmlTok{}
			return &s.tok
		}
		c := s.buf[s.pos+1]
		if c == '!' || c == '?' {
			if !s.markup() { // CDATA outside a value: skip it
				end := s.find(sepCDATAEnd, 9)
				if end < 0 {
					s.pos = s.end
					s.tok = xmlTok{}
					return &s.tok
				}
				s.pos += end + 3
			}
			continue
		}
		var end int
		if c == '/' {
			end = s.indexByte('>', 2) // an end tag has no attributes, so no quoted '>'
		} else {
			end = s.tagEnd()
		}
		if end < 0 {
			s.pos = s.end
			s.tok = xmlTok{}
			return &s.tok
		}
		tag := s.buf[s.pos : s.pos+end+1]
		s.pos += end + 1
		s.parseTag(tag)
		return &s.tok
	}
}

// parseTag splits "<name attrs>" / "</name>" / "<name/>".
func (s *xmlScan) parseTag(tag []byte) {
	t := &s.tok
	*t = xmlTok{kind: tokStart}
	body := tag[1 : len(tag)-1]
	if len(body) > 0 && body[0] == '/' {
		t.kind = tokEnd
		body = body[1:]
	} else if len(body) > 0 && body[len(body)-1] == '/' {
		t.selfClose = true
		body = body[:len(body)-1]
	}
	i := 0
	for i < len(body) && !isXMLSpace(body[i]) {
		i++
	}
	name := body[:i]
	if c := bytes.LastIndexByte(name, ':'); c >= 0 {
		name = name[c+1:]
	}
	t.local = internName(name)
	t.attrs = body[i:]
}

// internName returns the element names this reader dispatches on without allocating.
func internName(b []byte) string {
	switch string(b) {
	case "c":
		return "c"
	case "v":
		return "v"
	case "row":
		return "row"
	case "f":
		return "f"
	case "is":
		return "is"
	case "t":
		return "t"
	case "r":
		return "r"
	case "si":
		return "si"
	case "sheetData":
		return "sheetData"
	case "rPh":
		return "rPh"
	}
	return string(b)
}

// skipElement skips to the end tag matching a start tag just read.
func (s *xmlScan) skipElement() {
	depth := 1
	for depth > 0 {
		tk := s.next()
		switch tk.kind {
		case tokEOF:
			return
		case tokStart:
			if !tk.selfClose {
				depth++
			}
		case tokEnd:
			depth--
		}
	}
}

// text appends the character data of the element whose start tag was just read (entities decoded,
// CDATA kept, line ends normalised as encoding/xml does, nested elements skipped) and consumes its
// end tag.
func (s *xmlScan) text(dst []byte) ([]byte, error) {
	for {
		// character data up to the next '<'
		off := 0
		for {
			if i := bytes.IndexByte(s.buf[s.pos+off:s.end], '<'); i >= 0 {
				off += i
				break
			}
			off = s.end - s.pos
			if off > maxScanToken {
				return dst, errScanTooLong
			}
			if !s.fill() {
				if s.err != nil {
					return dst, s.err
				}
				return dst, io.ErrUnexpectedEOF
			}
		}
		dst = appendCharData(dst, s.buf[s.pos:s.pos+off])
		s.pos += off
		if len(dst) > maxScanToken {
			return dst, errScanTooLong
		}
		if !s.ensure(2) {
			return dst, io.ErrUnexpectedEOF
		}
		switch s.buf[s.pos+1] {
		case '/':
			tk := s.next() // our end tag
			if tk.kind == tokEOF {
				return dst, io.ErrUnexpectedEOF
			}
			return dst, nil
		case '!', '?':
			if !s.markup() {
				end := s.find(sepCDATAEnd, 9)
				if end < 0 {
					return dst, io.ErrUnexpectedEOF
				}
				dst = appendNormalisedCR(dst, s.buf[s.pos+9:s.pos+end])
				s.pos += end + 3
			}
		default:
			tk := s.next()
			if tk.kind == tokStart && !tk.selfClose {
				s.skipElement()
			}
		}
	}
}

// richText reads the children of <si> or <is>: the direct <t> (the last one, as encoding/xml
// leaves it) into t, and each run's <t> appended to runs; <rPh> and others skipped. It consumes
// the end tag.
func (s *xmlScan) richText(t, runs []byte) ([]byte, []byte, error) {
	for {
		tk := s.next()
		switch tk.kind {
		case tokEOF:
			if s.err != nil {
				return t, runs, s.err
			}
			return t, runs, io.ErrUnexpectedEOF
		case tokEnd:
			return t, runs, nil
		case tokStart:
			switch tk.local {
			case "t":
				t = t[:0]
				if !tk.selfClose {
					var err error
					if t, err = s.text(t); err != nil {
						return t, runs, err
					}
				}
			case "r":
				if tk.selfClose {
					continue
				}
				mark := len(runs)
				for done := false; !done; {
					rt := s.next()
					switch rt.kind {
					case tokEOF:
						return t, runs, io.ErrUnexpectedEOF
					case tokEnd:
						done = true
					case tokStart:
						if rt.local == "t" {
							runs = runs[:mark] // the last <t> of a run, as encoding/xml
							if !rt.selfClose {
								var err error
								if runs, err = s.text(runs); err != nil {
									return t, runs, err
								}
							}
						} else if !rt.selfClose {
							s.skipElement()
						}
					}
				}
			default:
				if !tk.selfClose {
					s.skipElement()
				}
			}
			if len(t)+len(runs) > maxScanToken {
				return t, runs, errScanTooLong
			}
		}
	}
}

// appendCharData appends XML character data with entities decoded and CR/CRLF turned into LF.
func appendCharData(dst, b []byte) []byte {
	if bytes.IndexByte(b, '&') < 0 {
		return appendNormalisedCR(dst, b)
	}
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return appendNormalisedCR(dst, b)
		}
		dst = appendNormalisedCR(dst, b[:i])
		b = b[i:]
		semi := bytes.IndexByte(b[:min(len(b), 12)], ';')
		if semi < 0 {
			dst = append(dst, '&') // not an entity: kept as written
			b = b[1:]
			continue
		}
		ent := b[1:semi]
		switch string(ent) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "apos":
			dst = append(dst, '\'')
		case "quot":
			dst = append(dst, '"')
		default:
			if r, ok := charRef(ent); ok {
				dst = utf8.AppendRune(dst, r)
			} else {
				dst = append(dst, b[:semi+1]...)
			}
		}
		b = b[semi+1:]
	}
	return dst
}

// charRef decodes "#65" or "#x41".
func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	base, digits := 10, ent[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	if len(digits) == 0 {
		return 0, false
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil || n > utf8.MaxRune {
		return 0, false
	}
	return rune(n), true
}

func appendNormalisedCR(dst, b []byte) []byte {
	if bytes.IndexByte(b, '\r') < 0 {
		return append(dst, b...)
	}
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' {
			dst = append(dst, '\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			continue
		}
		dst = append(dst, b[i])
	}
	return dst
}
