package ingest

import (
	"archive/zip"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

type xlsxReader struct{}

// Read streams every sheet with excelize's Rows iterator and raw cell values. The zip is checked
// first (total unzipped size and compression ratio) because excelize's own default limit is 16 GB.
func (xlsxReader) Read(path string, lim Limits) (grids []Grid, err error) {
	name := filepath.Base(path)
	// A malformed workbook must never take the process down: a panic inside the XML/zip readers
	// becomes an error for this file.
	defer func() {
		if r := recover(); r != nil {
			grids, err = nil, &FileError{File: name, Msg: "berkas XLSX rusak; simpan ulang dari Excel/LibreOffice", Err: fmt.Errorf("panic: %v", r)}
		}
	}()
	size, err := checkSize(path, lim)
	if err != nil {
		return nil, err
	}
	if err := checkZip(path, size, lim); err != nil {
		return nil, err
	}
	opts := excelize.Options{RawCellValue: true}
	if lim.MaxUnzipBytes > 0 {
		opts.UnzipSizeLimit = lim.MaxUnzipBytes
	}
	f, err := excelize.OpenFile(path, opts)
	if err != nil {
		return nil, &FileError{File: name, Msg: "berkas XLSX rusak atau bukan XLSX; simpan ulang dari Excel/LibreOffice", Err: err}
	}
	defer f.Close()
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, &FileError{File: name, Msg: "berkas XLSX rusak atau bukan XLSX; simpan ulang dari Excel/LibreOffice", Err: err}
	}
	defer zr.Close()
	parts := sheetParts(&zr.Reader)
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	for _, sheet := range f.GetSheetList() {
		if vis, err := f.GetSheetVisible(sheet); err == nil && !vis {
			continue
		}
		g := Grid{Sheet: sheet, Date1904: date1904, Merges: streamMerges(&zr.Reader, parts[sheet])}
		rows, err := f.Rows(sheet)
		if err != nil {
			return nil, &FileError{File: name, Msg: fmt.Sprintf("lembar %q tidak dapat dibaca", sheet), Err: err}
		}
		empty, n := 0, 0
		var ambiguous [][2]int // (index in g.Rows, column) of raw values that a text cell could also hold
		for rows.Next() {
			n++
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				rows.Close()
				return nil, &FileError{File: name, Msg: fmt.Sprintf("lembar %q baris %d tidak dapat dibaca", sheet, n), Err: err}
			}
			if isEmpty(cols) {
				empty++
				if lim.MaxEmptyRows > 0 && empty >= lim.MaxEmptyRows {
					g.Truncated = fmt.Sprintf("berhenti setelah %d baris kosong berturut-turut (ingest.max_empty_rows)", empty)
					break
				}
				continue
			}
			empty = 0
			if lim.MaxRows > 0 && len(g.Rows) >= lim.MaxRows {
				rows.Close()
				return nil, &FileError{File: name, Msg: fmt.Sprintf("lembar %q memiliki lebih dari %d baris (ingest.max_rows); pecah menjadi beberapa berkas", sheet, lim.MaxRows)}
			}
			// excelize grows the row's slice by appending (16 slots for 13 cells); the row is kept
			// until the file's transaction commits, so it is copied to its length.
			if cap(cols) > len(cols) {
				cols = append(make([]string, 0, len(cols)), cols...)
			}
			machine := make([]bool, len(cols))
			for i, c := range cols {
				machine[i] = c != "" && isMachineNumber(c)
				if machine[i] && looksGrouped(c) {
					ambiguous = append(ambiguous, [2]int{len(g.Rows), i})
				}
			}
			g.Rows = append(g.Rows, GridRow{Number: n, Cells: cols, Machine: machine})
			if lim.Progress != nil && len(g.Rows)%progressEvery == 0 {
				lim.Progress(len(g.Rows))
			}
		}
		if err := rows.Close(); err != nil {
			return nil, &FileError{File: name, Msg: fmt.Sprintf("lembar %q", sheet), Err: err}
		}
		mergeValues(&g)
		resolveAmbiguous(f, &g, ambiguous)
		grids = append(grids, g)
	}
	return grids, nil
}

// progressEvery is how often (in rows) readers report progress.
const progressEvery = 10000

// looksGrouped: a raw value such as "1.250" or "-12.500" that is a decimal number when the cell is
// numeric but "1.250" (one thousand two hundred fifty) when the cell is text typed the Indonesian way.
func looksGrouped(s string) bool {
	s = strings.TrimPrefix(s, "-")
	i := strings.IndexByte(s, '.')
	return i > 0 && i <= 3 && len(s)-i-1 == 3 && !strings.ContainsAny(s, "eE")
}

// resolveAmbiguous asks the sheet for the type of the few cells whose raw value could be either a
// number or Indonesian-grouped text: a text cell (shared or inline string, the `t` attribute) is read
// as written, a numeric cell literally. excelize loads the sheet's XML for this, so it only runs when
// such cells exist (they are rare: numbers with exactly three decimals, or text typed as "1.250").
func resolveAmbiguous(f *excelize.File, g *Grid, cells [][2]int) {
	for _, rc := range cells {
		row := &g.Rows[rc[0]]
		axis, err := excelize.CoordinatesToCellName(rc[1]+1, row.Number)
		if err != nil {
			continue
		}
		t, err := f.GetCellType(g.Sheet, axis)
		if err != nil {
			continue
		}
		switch t {
		case excelize.CellTypeSharedString, excelize.CellTypeInlineString:
			row.Machine[rc[1]] = false
		}
	}
}

// isMachineNumber: a raw XLSX value written by a spreadsheet for a numeric cell ("1250000.5",
// "3.2E+15"). A text cell can look the same ("1.250"): resolveAmbiguous settles those by cell type.
func isMachineNumber(s string) bool {
	dot := false
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
		case c == '-' && i == 0:
		case c == '.' && !dot:
			dot = true
		case c == 'E' || c == 'e':
			return i > 0
		default:
			return false
		}
	}
	return true
}

func isEmpty(cols []string) bool {
	for _, c := range cols {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// checkZip refuses zip bombs before excelize inflates anything.
func checkZip(path string, size int64, lim Limits) error {
	name := filepath.Base(path)
	zr, err := zip.OpenReader(path)
	if err != nil {
		return &FileError{File: name, Msg: "berkas XLSX rusak atau bukan XLSX; simpan ulang dari Excel/LibreOffice", Err: err}
	}
	defer zr.Close()
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
	}
	if lim.MaxUnzipBytes > 0 && total > uint64(lim.MaxUnzipBytes) {
		return &FileError{File: name, Msg: fmt.Sprintf("isi XLSX %d MB setelah dibuka melebihi batas %d MB (ingest.max_unzip_mb)", total>>20, lim.MaxUnzipBytes>>20)}
	}
	if lim.MaxCompressionRatio > 0 && size > 0 && float64(total)/float64(size) > lim.MaxCompressionRatio && total > 10<<20 {
		return &FileError{File: name, Msg: fmt.Sprintf("rasio kompresi XLSX %.0f× mencurigakan (batas %.0f×, ingest.max_compression_ratio)", float64(total)/float64(size), lim.MaxCompressionRatio)}
	}
	return nil
}

// openXLSXSource opens a workbook for streaming.
func openXLSXSource(path string, lim Limits) (source, error) {
	grids, err := xlsxReader{}.Read(path, lim)
	if err != nil {
		return nil, err
	}
	return gridSource{grids: grids}, nil
}
