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

	"github.com/pantau-koperasi/pantau/ingest/xlsxscan"
)

// The workbook half of the streaming XLSX reader (the rows are read by xlsx_rows.go, the bytes
// scanned by package xlsxscan; see xlsxscan/README.md). excelize's OpenFile inflates every part
// (spilling a big sheet to a temporary file) and its Rows() runs encoding/xml token by token; for a
// 200,000-row sheet that is most of the ingest's CPU time. This reader opens the zip, reads the
// workbook's structure (relationships, sheets, date system) and the shared-string table, and leaves
// each worksheet part to be inflated once, as a stream, when its rows are read. Merged ranges come
// from streamMerges (xlsx_merges.go).
//
// The small parts (workbook.xml and its relationships) are read with encoding/xml: they are a few
// kilobytes and correctness matters more there than speed.

const (
	// maxXLSXColumn is Excel's last column, XFD.
	maxXLSXColumn = 16384
	// maxXLSXRow is Excel's last row.
	maxXLSXRow = 1 << 20
	// maxRowBytes bounds the text of one row.
	maxRowBytes = 16 << 20
	// maxPadFree and padPerCell bound the empty cells rows are padded with (see withinPadding).
	maxPadFree = 1 << 20
	padPerCell = 64
	// defaultSharedBudget bounds the shared-string table when no MaxUnzipBytes is set.
	defaultSharedBudget = 1 << 30
)

var errRowTooLong = errors.New("isi baris terlalu panjang")

// xlsxInflater is the deflate decompressor registered on the workbook's zip reader: klauspost's
// (xlsxscan.Inflate) took 0.11 s for the 114 MB worksheet of the 200,000-row benchmark file where
// compress/flate took 0.16 s (nil = the standard library's; BenchmarkXLSXStream measures both).
var xlsxInflater zip.Decompressor = xlsxscan.Inflate

// xlsxBook is an opened workbook: zip directory, sheet list, shared strings, date system.
type xlsxBook struct {
	name     string // base name of the file, for messages
	zc       *zip.ReadCloser
	files    map[string]*zip.File // lower-cased part name → entry
	sheets   []xlsxSheet          // every sheet in workbook order, hidden ones included
	date1904 bool
	sst      *xlsxscan.SharedStrings
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
	b.sst.Close()
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
	sst, err := xlsxscan.NewSharedStrings(size)
	if err == nil {
		err = xlsxscan.ReadSharedStrings(rc, budget, sst)
	}
	if err != nil {
		sst.Close()
		return &FileError{File: b.name, Msg: "daftar teks bersama (sharedStrings.xml) rusak atau terlalu besar; simpan ulang dari Excel/LibreOffice", Err: err}
	}
	b.sst = sst
	return nil
}
