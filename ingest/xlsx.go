package ingest

import (
	"archive/zip"
	"fmt"
	"path/filepath"
	"strings"
)

type xlsxReader struct{}

// Read reads every visible sheet whole into grids (tests and the fuzzer; ingest streams through
// openXLSXSource).
func (xlsxReader) Read(path string, lim Limits) ([]Grid, error) {
	src, err := openXLSXSource(path, lim)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var grids []Grid
	for _, sheet := range src.Sheets() {
		g, err := collectGrid(src, filepath.Base(path), sheet, lim)
		if err != nil {
			return nil, err
		}
		mergeValues(&g)
		grids = append(grids, g)
	}
	return grids, nil
}

// progressEvery is how often (in rows) readers report progress.
const progressEvery = 10000

// isMachineNumber: a raw XLSX value written by a spreadsheet for a numeric cell ("1250000.5",
// "3.2E+15"). Only cells without a text type are asked (a text cell "1.250" is Indonesian-grouped
// text, and the reader knows it from the cell's t attribute). Bytes for the scanner, strings for tests.
func isMachineNumber[T string | []byte](s T) bool {
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
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

// checkZip refuses zip bombs before anything is inflated.
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

// openXLSXSource opens a workbook for streaming (xlsx_book.go, xlsx_rows.go).
func openXLSXSource(path string, lim Limits) (source, error) {
	book, err := openXLSX(path, lim)
	if err != nil {
		return nil, err
	}
	return xlsxStreamSource{book}, nil
}
