package ingest

import (
	"path/filepath"
	"reflect"
	"testing"
)

// A workbook saved by Microsoft Excel itself (testdata/excel/Book1.xlsx, from excelize's tests; see
// NOTICE there): rich-text shared strings with phonetic properties, an inline string, a formula's
// cached value, a string formula, formulas without a cached value, charts, comments, an image and a
// table in the package. The reader must give the cells as written (checked by hand against the XML)
// and agree with excelize on every row.
func TestXLSXStreamWorkbookSavedByExcel(t *testing.T) {
	path := filepath.Join("testdata", "excel", "Book1.xlsx")
	book := openStream(t, path)
	defer book.Close()
	if got := book.Sheets(); !reflect.DeepEqual(got, []string{"Sheet1", "Sheet2"}) {
		t.Fatalf("sheets %q", got)
	}
	want := map[string]map[int][]string{
		"Sheet1": {
			19: {"Total:", "237"}, // B19 = SUM(...), its cached value
			21: {"", "", "Column1", "Column2"},
			22: {"GitHub"},
		},
	}
	for sheet, rows := range want {
		got := map[int][]string{}
		for _, r := range readAllStream(t, book, sheet) {
			got[r.Number] = r.Cells
		}
		if !reflect.DeepEqual(got, rows) {
			t.Errorf("%s: %v, want %v", sheet, fmtRows(got), fmtRows(rows))
		}
	}
	// Sheet2, by hand: the rich-text "I" "B" "M" runs make one string, the phonetic part is not text;
	// an inline string; numbers are machine values, shared strings are not; a t="str" formula result.
	byRow := map[int]streamRow{}
	for _, r := range readAllStream(t, book, "Sheet2") {
		byRow[r.Number] = r
	}
	for _, c := range []struct {
		row, col int
		text     string
		machine  bool
	}{
		{1, 0, "Monitor", false}, {1, 2, "Brand", false}, {1, 4, "inlineStr", false},
		{2, 1, "19", true}, {2, 2, "HP", false}, {2, 3, "200", true},
		{7, 2, "IBM", false}, {7, 3, "127", true},
		{11, 2, "Other", false}, {11, 3, "37", true},
	} {
		r, ok := byRow[c.row]
		if !ok || c.col >= len(r.Cells) {
			t.Errorf("Sheet2 row %d col %d missing", c.row, c.col)
			continue
		}
		if r.Cells[c.col] != c.text || r.Machine[c.col] != c.machine {
			t.Errorf("Sheet2 row %d col %d = %q (machine %v), want %q (%v)", c.row, c.col, r.Cells[c.col], r.Machine[c.col], c.text, c.machine)
		}
	}
	checkSameAsExcelize(t, path, book)
}
