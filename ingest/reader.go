package ingest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Grid is one sheet of a file as rows of cell text. For XLSX the text is the raw cell value (never the
// display string), so a date cell reads as its serial number; Machine marks those numeric raw values.
type Grid struct {
	Sheet    string
	Rows     []GridRow
	Merges   []Merge // merged ranges (XLSX), used to fill header cells
	Date1904 bool
	// Truncated is set when reading stopped at a limit (rows, trailing empty rows).
	Truncated string
}

// GridRow is one physical row.
type GridRow struct {
	Number  int      // as Excel numbers it (1-based); for CSV the record number, header = 1
	Cells   []string // cell text
	Machine []bool   // per cell: a numeric raw value from a spreadsheet (read literally)
}

// Merge is a merged cell range, 0-based inclusive column and 1-based row bounds.
type Merge struct {
	Row1, Row2, Col1, Col2 int
	Value                  string
}

// Limits protect the process from oversized or hostile files.
type Limits struct {
	MaxFileBytes        int64
	MaxUnzipBytes       int64
	MaxCompressionRatio float64
	MaxRows             int
	MaxEmptyRows        int
	// Progress, when set, is called now and then with the number of rows read so far.
	Progress func(rows int)
}

// FileError is a problem with the file as a whole; it says what to do in Bahasa Indonesia.
type FileError struct {
	File string
	Msg  string
	Err  error
}

func (e *FileError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s (%v)", e.File, e.Msg, e.Err)
	}
	return e.File + ": " + e.Msg
}

func (e *FileError) Unwrap() error { return e.Err }

// Detail is the message without the file name, for places that already name the file.
func (e *FileError) Detail() string {
	if e.Err != nil {
		return fmt.Sprintf("%s (%v)", e.Msg, e.Err)
	}
	return e.Msg
}

// errDetail is err's message without a leading file name.
func errDetail(err error) string {
	var fe *FileError
	if errors.As(err, &fe) {
		return fe.Detail()
	}
	return err.Error()
}

// ErrUnsupported is wrapped by FileError for file kinds Pantau cannot read.
var ErrUnsupported = errors.New("jenis berkas tidak didukung")

// unsupported explains why a file of this kind cannot be read (openSource handles the others).
func unsupported(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xls", ".ods":
		return &FileError{File: filepath.Base(path), Err: ErrUnsupported, Msg: legacyMsg}
	}
	return &FileError{File: filepath.Base(path), Err: ErrUnsupported,
		Msg: "hanya berkas .xlsx dan .csv yang diterima"}
}

func checkSize(path string, lim Limits) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, &FileError{File: filepath.Base(path), Msg: "berkas tidak dapat dibuka", Err: err}
	}
	if lim.MaxFileBytes > 0 && st.Size() > lim.MaxFileBytes {
		return 0, &FileError{File: filepath.Base(path), Msg: fmt.Sprintf("berkas %d MB melebihi batas %d MB (ingest.max_file_mb)", st.Size()>>20, lim.MaxFileBytes>>20)}
	}
	return st.Size(), nil
}
