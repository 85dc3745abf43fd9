package ingest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The reader gets merged ranges from the sheet XML without loading the worksheet: ranges and the
// top-left value, as excelize writes them.
func TestXLSXMergesStreamed(t *testing.T) {
	path := writeXLSX(t, filepath.Join(t.TempDir(), "gabung.xlsx"), func(f *excelize.File) {
		f.NewSheet("Kedua")
		set(t, f, "Sheet1", 1, "LAPORAN KOPERASI")
		set(t, f, "Sheet1", 3, "NIK", "Simpanan", nil, "Nama Koperasi")
		set(t, f, "Sheet1", 4, nil, "Pokok", "Wajib")
		for _, m := range [][2]string{{"A1", "D1"}, {"B3", "C3"}, {"A3", "A4"}} {
			if err := f.MergeCell("Sheet1", m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
		set(t, f, "Kedua", 1, "x")
		if err := f.MergeCell("Kedua", "B2", "C5"); err != nil {
			t.Fatal(err)
		}
	})
	grids, err := xlsxReader{}.Read(path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, g := range grids {
		for _, m := range g.Merges {
			got[g.Sheet] = append(got[g.Sheet], fmt.Sprintf("r%d-%d c%d-%d %q", m.Row1, m.Row2, m.Col1, m.Col2, m.Value))
		}
	}
	sameList(t, "Sheet1", got["Sheet1"], []string{`r1-1 c0-3 "LAPORAN KOPERASI"`, `r3-3 c1-2 "Simpanan"`, `r3-4 c0-0 "NIK"`})
	sameList(t, "Kedua", got["Kedua"], []string{`r2-5 c1-2 ""`})
}

// streamMerges on hand-written parts: a namespace prefix, the word "mergeCells" inside a cell's text
// before the real element, and a sheet large enough that the element lies beyond the first chunk.
func TestStreamMergesXML(t *testing.T) {
	var rows strings.Builder
	rows.WriteString(`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>teks mergeCells bukan tag</x:t></x:is></x:c></x:row>`)
	for i := 2; i < 3000; i++ {
		fmt.Fprintf(&rows, `<x:row r="%d"><x:c r="A%d"><x:v>%d</x:v></x:c></x:row>`, i, i, i)
	}
	sheet := `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<x:sheetData>` + rows.String() + `</x:sheetData><x:mergeCells count="2"><x:mergeCell ref="A1:C1"/>` +
		`<x:mergeCell ref="E10"/></x:mergeCells></x:worksheet>`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"xl/workbook.xml": `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="Data" sheetId="1" r:id="rId7"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/lembar.xml"/></Relationships>`,
		"xl/worksheets/lembar.xml": sheet,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	path := filepath.Join(t.TempDir(), "gabung.xlsx")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	book, err := openXLSX(path, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	if part, _ := book.sheetPart("Data"); part != "xl/worksheets/lembar.xml" {
		t.Fatalf("sheet part: %q", part)
	}
	var got []string
	for _, m := range book.Merges("Data") {
		got = append(got, fmt.Sprintf("r%d-%d c%d-%d", m.Row1, m.Row2, m.Col1, m.Col2))
	}
	sameList(t, "merges", got, []string{"r1-1 c0-2", "r10-10 c4-4"})
}
