package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/ingest/xlsxscan"
	"github.com/xuri/excelize/v2"
)

// streamRow is one row as the streaming reader returns it.
type streamRow struct {
	Number  int
	Cells   []string
	Machine []bool
}

// readAllStream reads every row of a sheet, checking the ownership contract of Cells on the way.
func readAllStream(t testing.TB, book *xlsxBook, sheet string) []streamRow {
	t.Helper()
	rows, err := book.Rows(sheet)
	if err != nil {
		t.Fatalf("Rows(%q): %v", sheet, err)
	}
	defer rows.Close()
	var out []streamRow
	for rows.Next() {
		cells, machine := rows.Cells()
		if g := rows.Row(); g.Number != rows.Number() || !reflect.DeepEqual(g.Cells, cells) || !reflect.DeepEqual(g.Machine, machine) {
			t.Fatalf("Row() %+v differs from Number/Cells %d %q %v", g, rows.Number(), cells, machine)
		}
		if len(cells) != cap(cells) || len(machine) != cap(machine) || len(cells) != len(machine) {
			t.Fatalf("row %d: len/cap %d/%d and %d/%d", rows.Number(), len(cells), cap(cells), len(machine), cap(machine))
		}
		if len(cells) > 0 && cells[len(cells)-1] == "" {
			t.Fatalf("row %d: trailing empty cell not trimmed: %q", rows.Number(), cells)
		}
		out = append(out, streamRow{rows.Number(), cells, machine})
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("sheet %q: %v", sheet, err)
	}
	return out
}

func openStream(t testing.TB, path string) *xlsxBook {
	t.Helper()
	book, err := openXLSX(path, Limits{MaxFileBytes: 100 << 20, MaxUnzipBytes: 500 << 20, MaxCompressionRatio: 100})
	if err != nil {
		t.Fatalf("openXLSX: %v", err)
	}
	t.Cleanup(func() { book.Close() })
	return book
}

// checkRows compares rows with hand-written expectations: number → cells, and the machine flags
// of the cells listed in machine ("C2" style); every other cell must not be machine.
func checkRows(t *testing.T, sheet string, got []streamRow, want map[int][]string, machine map[string]bool) {
	t.Helper()
	seen := map[int]bool{}
	for _, r := range got {
		seen[r.Number] = true
		w, ok := want[r.Number]
		if !ok {
			if len(r.Cells) != 0 {
				t.Errorf("%s row %d: unexpected cells %q", sheet, r.Number, r.Cells)
			}
			continue
		}
		if !reflect.DeepEqual(r.Cells, w) {
			t.Errorf("%s row %d:\n got %q\nwant %q", sheet, r.Number, r.Cells, w)
		}
		for i, m := range r.Machine {
			name, _ := excelize.CoordinatesToCellName(i+1, r.Number)
			if m != machine[name] {
				t.Errorf("%s %s (%q): machine=%v, want %v", sheet, name, r.Cells[i], m, machine[name])
			}
		}
	}
	for n := range want {
		if !seen[n] {
			t.Errorf("%s: row %d missing", sheet, n)
		}
	}
}

// checkSameAsExcelize compares the streaming reader with excelize Rows()+Columns(raw) on every
// visible sheet: excelize emits an empty row for each row number absent from the XML and may end a
// row with an empty formula cell, so rows are matched by number and trailing empties trimmed.
func checkSameAsExcelize(t *testing.T, path string, book *xlsxBook) {
	t.Helper()
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	defer f.Close()
	var visible []string
	for _, s := range f.GetSheetList() {
		if v, _ := f.GetSheetVisible(s); v {
			visible = append(visible, s)
		}
	}
	if !reflect.DeepEqual(book.Sheets(), visible) {
		t.Errorf("sheets %q, excelize %q", book.Sheets(), visible)
	}
	for _, sheet := range visible {
		ex := map[int][]string{}
		rows, err := f.Rows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatalf("excelize %s row %d: %v", sheet, n, err)
			}
			for len(cols) > 0 && cols[len(cols)-1] == "" {
				cols = cols[:len(cols)-1]
			}
			if len(cols) > 0 {
				ex[n] = cols
			}
		}
		rows.Close()
		ours := map[int][]string{}
		for _, r := range readAllStream(t, book, sheet) {
			if len(r.Cells) > 0 {
				ours[r.Number] = r.Cells
			}
		}
		if !reflect.DeepEqual(ours, ex) {
			t.Errorf("sheet %q differs from excelize:\n ours %v\nexcelize %v", sheet, fmtRows(ours), fmtRows(ex))
		}
	}
}

func TestXLSXStreamExcelizeWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "laporan.xlsx")
	f := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Data"))
	_, err := f.NewSheet("Rahasia")
	must(err)
	_, err = f.NewSheet("Kedua")
	must(err)
	must(f.SetCellValue("Data", "A1", "Nama Koperasi"))
	must(f.SetCellValue("Data", "B1", "  Beji  "))
	must(f.SetCellValue("Data", "C1", `A & B <c> "d"`))
	must(f.SetCellRichText("Data", "D1", []excelize.RichTextRun{{Text: "Koperasi "}, {Text: "Maju", Font: &excelize.Font{Bold: true}}}))
	must(f.SetCellValue("Data", "E1", "1.250"))
	must(f.SetCellValue("Data", "F1", "baris_x000D_dua"))
	must(f.SetCellValue("Data", "A2", 1250000))
	must(f.SetCellValue("Data", "B2", 1250000.5))
	must(f.SetCellDefault("Data", "C2", "3.2E+15"))
	must(f.SetCellValue("Data", "D2", -1000000))
	must(f.SetCellValue("Data", "E2", time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC)))
	must(f.SetCellValue("Data", "F2", true))
	must(f.SetCellDefault("Data", "G2", "teks inline"))
	must(f.SetCellFormula("Data", "H2", "A2*2")) // no cached value: empty, trimmed
	must(f.SetCellValue("Data", "A5", "setelah celah"))
	must(f.SetCellValue("Data", "AB5", "jauh"))
	must(f.SetCellValue("Data", "XFD6", "ujung"))
	style, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	must(err)
	must(f.SetCellStyle("Data", "A7", "C7", style)) // a row of styled empty cells
	must(f.SetCellValue("Data", "A8", "akhir"))
	must(f.SetCellValue("Rahasia", "A1", "tersembunyi"))
	must(f.SetSheetVisible("Rahasia", false))
	must(f.SetCellValue("Kedua", "A1", "x"))
	must(f.SetCellValue("Kedua", "B1", 2))
	must(f.SaveAs(path))
	f.Close()

	book := openStream(t, path)
	if got := book.Sheets(); !reflect.DeepEqual(got, []string{"Data", "Kedua"}) {
		t.Fatalf("Sheets() = %q", got)
	}
	if book.Date1904() {
		t.Error("Date1904 on a 1900 workbook")
	}
	rows := readAllStream(t, book, "Data")
	far := make([]string, 28)
	far[0], far[27] = "setelah celah", "jauh"
	edge := make([]string, 16384)
	edge[16383] = "ujung"
	checkRows(t, "Data", rows, map[int][]string{
		// excelize writes "_x000D_" as typed (no _x005F_ escape), so reading decodes it to CR.
		1: {"Nama Koperasi", "  Beji  ", `A & B <c> "d"`, "Koperasi Maju", "1.250", "baris\rdua"},
		// 2025-01-15 is serial 45672: 2024-01-01 is 45292, plus 366 days of 2024, plus 14.
		2: {"1250000", "1250000.5", "3.2E+15", "-1000000", "45672", "1", "teks inline"},
		5: far,
		6: edge,
		8: {"akhir"},
	}, map[string]bool{"A2": true, "B2": true, "C2": true, "D2": true, "E2": true}) // F2 is a boolean: not machine
	var numbers []int
	for _, r := range rows {
		numbers = append(numbers, r.Number)
	}
	// Rows 3 and 4 are absent from the XML; row 7 is present with empty cells only.
	if !reflect.DeepEqual(numbers, []int{1, 2, 5, 6, 7, 8}) {
		t.Errorf("row numbers %v", numbers)
	}
	for _, r := range rows {
		if r.Number == 7 && len(r.Cells) != 0 {
			t.Errorf("row 7 (styled empties) = %q, want no cells", r.Cells)
		}
	}
	checkRows(t, "Kedua", readAllStream(t, book, "Kedua"), map[int][]string{1: {"x", "2"}}, map[string]bool{"B1": true})
	// Through the source adapter.
	var src source = xlsxStreamSource{book}
	it, err := src.Rows("Kedua")
	if err != nil {
		t.Fatal(err)
	}
	if !it.Next() || !reflect.DeepEqual(it.Row(), GridRow{Number: 1, Cells: []string{"x", "2"}, Machine: []bool{false, true}}) || it.Next() || it.Err() != nil {
		t.Errorf("source adapter: %+v, %v", it.Row(), it.Err())
	}
	it.Close()
	if _, err := book.Rows("Rahasia"); err != nil {
		t.Errorf("a hidden sheet is still readable by name: %v", err)
	}
	checkSameAsExcelize(t, path, book)
}

// part is one file of a hand-written workbook.
type part struct{ name, body string }

func writeZip(t testing.TB, path string, parts []part) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const (
	nsMain = `http://schemas.openxmlformats.org/spreadsheetml/2006/main`
	nsRel  = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
	relWS  = nsRel + `/worksheet`
	relSST = nsRel + `/sharedStrings`
)

func contentTypes(sheets ...string) part {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`)
	b.WriteString(`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>`)
	b.WriteString(`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`)
	for _, s := range sheets {
		fmt.Fprintf(&b, `<Override PartName="/%s" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, s)
	}
	b.WriteString(`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	return part{"[Content_Types].xml", b.String()}
}

var rootRels = part{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + nsRel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`}

// TestXLSXStreamHandWritten: the value types excelize cannot write (formulas with cached results,
// errors, t="d", phonetic runs, raw _xHHHH_ escapes, character references, CDATA, CRLF), read the
// same as excelize reads them.
func TestXLSXStreamHandWritten(t *testing.T) {
	sst := `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="` + nsMain + `" count="6" uniqueCount="6">` +
		`<si><t>Nama</t></si>` +
		`<si><r><rPr><b/></rPr><t xml:space="preserve">Koperasi </t></r><r><t>Sejahtera</t></r><rPh sb="0" eb="1"><t>コ</t></rPh><phoneticPr fontId="1"/></si>` +
		`<si><t>baris_x000D_dua _x005F_x000D_ _xD800_!</t></si>` +
		`<si><t>caf&#233; &#x41;&amp;&lt;&gt;&quot;&apos;</t></si>` +
		`<si><t xml:space="preserve">  spasi  </t></si>` +
		`<si><t/></si>` +
		`</sst>`
	sheet := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><dimension ref="A1:F4"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="2" width="12"/></cols>
<sheetData>
<row r="1" spans="1:6"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c></row>
<row r="2"><c r="A2"><f>1+1</f><v>2</v></c><c r="B2" t="str"><f>"1."&amp;"250"</f><v>1.250</v></c><c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="D2" t="d"><v>2024-01-05T00:00:00</v></c><c r="E2" t="b"><v>0</v></c><c r="F2" t="n"><v>-0.5</v></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><t xml:space="preserve"> a
b </t></is></c><c r="B3" t="inlineStr"><is><r><t>x</t></r><r><rPr/><t>y_x0041_</t></r></is></c><c r="C3"><v><![CDATA[12.5]]></v></c><c r="D3" t="s"><v>99</v></c><c r="E3" t="s"><v> 1 </v></c><!-- a comment --><c r="F3" t="str"><v>a&#13;b</v></c></row>
<row r="4"><c r="B4" t="s"><v>-1</v></c><c r="C4" t="inlineStr"><is><t>teks</t></is></c></row>
</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`
	sheet = strings.ReplaceAll(sheet, "a\nb", "a\r\nb")
	path := writeZip(t, filepath.Join(t.TempDir(), "tangan.xlsx"), []part{
		contentTypes("xl/worksheets/sheet1.xml"), rootRels,
		{"xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><sheets><sheet name="Laporan" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relWS + `" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="` + relSST + `" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", sheet},
		{"xl/sharedStrings.xml", sst},
	})
	book := openStream(t, path)
	rows := readAllStream(t, book, "Laporan")
	checkRows(t, "Laporan", rows, map[int][]string{
		1: {"Nama", "Koperasi Sejahtera", "baris\rdua _x000D_ !", `café A&<>"'`, "  spasi  "},
		2: {"2", "1.250", "#DIV/0!", "2024-01-05T00:00:00", "0", "-0.5"},
		3: {" a\nb ", "xyA", "12.5", "", "Koperasi Sejahtera", "a\rb"},
		4: {"", "", "teks"},
	}, map[string]bool{"A2": true, "F2": true, "C3": true}) // only numeric cells are machine
	if m := book.Merges("Laporan"); !reflect.DeepEqual(m, []Merge{{Row1: 1, Row2: 1, Col1: 0, Col2: 1}}) {
		t.Errorf("merges %+v", m)
	}
	checkSameAsExcelize(t, path, book)
}

// TestXLSXStreamWorkbookShapes: 1904 dates, a workbook.xml that lists sheet2.xml first, absolute
// and relative relationship targets, an x: prefix on every element, no shared strings, rows and
// cells without r attributes, a hidden and a very hidden sheet.
func TestXLSXStreamWorkbookShapes(t *testing.T) {
	x := `http://schemas.openxmlformats.org/spreadsheetml/2006/main`
	sheet1 := `<?xml version="1.0"?><x:worksheet xmlns:x="` + x + `"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>pertama</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`
	sheet2 := `<?xml version="1.0"?><x:worksheet xmlns:x="` + x + `"><x:sheetData>` +
		`<x:row><x:c t="inlineStr"><x:is><x:t>NIK</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>Aset</x:t></x:is></x:c></x:row>` +
		`<x:row><x:c t="inlineStr"><x:is><x:t>3276000000000001</x:t></x:is></x:c><x:c><x:v>1250000</x:v></x:c></x:row>` +
		`<x:row r="5"><x:c><x:v>7</x:v></x:c><x:c/><x:c><x:v>9</x:v></x:c></x:row>` +
		`<x:row><x:c r="C6"><x:v>3</x:v></x:c><x:c><x:v>4</x:v></x:c></x:row>` +
		`</x:sheetData></x:worksheet>`
	path := writeZip(t, filepath.Join(t.TempDir(), "bentuk.xlsx"), []part{
		contentTypes("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"), rootRels,
		{"xl/workbook.xml", `<?xml version="1.0"?><x:workbook xmlns:x="` + x + `" xmlns:r="` + nsRel + `"><x:workbookPr date1904="true"/><x:sheets>` +
			`<x:sheet name="Kedua" sheetId="2" r:id="rId2"/><x:sheet name="Pertama" sheetId="1" r:id="rId1"/>` +
			`<x:sheet name="Tersembunyi" sheetId="3" state="hidden" r:id="rId1"/><x:sheet name="Sangat" sheetId="4" state="veryHidden" r:id="rId1"/></x:sheets></x:workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relWS + `" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId2" Type="` + relWS + `" Target="worksheets/sheet2.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", sheet1},
		{"xl/worksheets/sheet2.xml", sheet2},
	})
	book := openStream(t, path)
	if !book.Date1904() {
		t.Error("date1904=\"true\" not seen")
	}
	if got := book.Sheets(); !reflect.DeepEqual(got, []string{"Kedua", "Pertama"}) {
		t.Fatalf("Sheets() = %q", got)
	}
	rows := readAllStream(t, book, "Kedua")
	var numbers []int
	for _, r := range rows {
		numbers = append(numbers, r.Number)
	}
	if !reflect.DeepEqual(numbers, []int{1, 2, 5, 6}) {
		t.Errorf("row numbers %v, want 1 2 5 6 (previous+1 without r)", numbers)
	}
	checkRows(t, "Kedua", rows, map[int][]string{
		1: {"NIK", "Aset"},
		2: {"3276000000000001", "1250000"},
		5: {"7", "", "9"},
		6: {"", "", "3", "4"},
	}, map[string]bool{"B2": true, "A5": true, "C5": true, "C6": true, "D6": true})
	checkRows(t, "Pertama", readAllStream(t, book, "Pertama"), map[int][]string{1: {"pertama"}}, nil)
	checkSameAsExcelize(t, path, book)

	// A workbook part where _rels/.rels says, not at xl/workbook.xml, with targets relative to it.
	moved := writeZip(t, filepath.Join(t.TempDir(), "pindah.xlsx"), []part{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/buku/utama.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/buku/lembar/s1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/buku/teks.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + nsRel + `/officeDocument" Target="buku/utama.xml"/></Relationships>`},
		{"buku/utama.xml", `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><sheets><sheet name="Satu" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"buku/_rels/utama.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relWS + `" Target="lembar/s1.xml"/><Relationship Id="rId2" Type="` + relSST + `" Target="teks.xml"/></Relationships>`},
		{"buku/lembar/s1.xml", `<worksheet xmlns="` + nsMain + `"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>5</v></c></row></sheetData></worksheet>`},
		{"buku/teks.xml", `<sst xmlns="` + nsMain + `"><si><t>dipindah</t></si></sst>`},
	})
	mb := openStream(t, moved)
	checkRows(t, "Satu", readAllStream(t, mb, "Satu"), map[int][]string{1: {"dipindah", "5"}}, map[string]bool{"B1": true})

	// The same workbook with date1904="1" and the 1900 system.
	for _, c := range []struct {
		attr string
		want bool
	}{{`date1904="1"`, true}, {`date1904="0"`, false}, {``, false}} {
		p := writeZip(t, filepath.Join(t.TempDir(), "d.xlsx"), []part{
			contentTypes("xl/worksheets/sheet1.xml"), rootRels,
			{"xl/workbook.xml", `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><workbookPr ` + c.attr + `/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
			{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relWS + `" Target="worksheets/sheet1.xml"/></Relationships>`},
			{"xl/worksheets/sheet1.xml", sheet1},
		})
		if got := openStream(t, p).Date1904(); got != c.want {
			t.Errorf("workbookPr %s: Date1904 = %v", c.attr, got)
		}
	}
}

// TestXLSXStreamLibreOffice reads a workbook converted from CSV by LibreOffice (shared strings,
// its own namespaces and row attributes).
func TestXLSXStreamLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) not installed")
	}
	if testing.Short() {
		t.Skip("LibreOffice conversion skipped in -short")
	}
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "koperasi.csv")
	if err := os.WriteFile(csvPath, []byte("NIK,Nama Koperasi,Anggota,Aset\n3276000000000001,KSP Maju & Jaya,120,1250000.5\n3276000000000002,\"Koperasi \"\"Sejahtera\"\"\",-15,3.2E+15\n\n,kosong di depan,,7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(dir, "lo-profile")
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+profile, "--headless", "--convert-to", "xlsx", "--outdir", dir, csvPath)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	path := filepath.Join(dir, "koperasi.xlsx")
	book := openStream(t, path)
	sheets := book.Sheets()
	if len(sheets) != 1 {
		t.Fatalf("sheets %q", sheets)
	}
	rows := readAllStream(t, book, sheets[0])
	// LibreOffice reads the 16-digit NIK as a number and keeps 15 significant digits (its <v> is
	// 3276000000000000 for both rows: a real loss of the last digit, not this reader's), and writes
	// 3.2E+15 as 3200000000000000. The blank CSV line 4 leaves no <row>.
	checkRows(t, sheets[0], rows, map[int][]string{
		1: {"NIK", "Nama Koperasi", "Anggota", "Aset"},
		2: {"3276000000000000", "KSP Maju & Jaya", "120", "1250000.5"},
		3: {"3276000000000000", `Koperasi "Sejahtera"`, "-15", "3200000000000000"},
		5: {"", "kosong di depan", "", "7"},
	}, map[string]bool{"A2": true, "C2": true, "D2": true, "A3": true, "C3": true, "D3": true, "D5": true})
	checkSameAsExcelize(t, path, book)
}

// TestXLSXStreamHostile: broken and hostile files end in a *FileError, never a panic or a huge
// allocation.
func TestXLSXStreamHostile(t *testing.T) {
	dir := t.TempDir()
	lim := Limits{MaxFileBytes: 10 << 20, MaxUnzipBytes: 20 << 20, MaxCompressionRatio: 100}
	wb := func(sheetXML string, extra ...part) string {
		parts := []part{contentTypes("xl/worksheets/sheet1.xml"), rootRels,
			{"xl/workbook.xml", `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
			{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relWS + `" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="` + relSST + `" Target="sharedStrings.xml"/></Relationships>`},
			{"xl/worksheets/sheet1.xml", sheetXML}}
		return writeZip(t, filepath.Join(dir, fmt.Sprintf("h%d.xlsx", len(sheetXML))), append(parts, extra...))
	}
	// openErr expects openXLSX itself to refuse the file.
	openErr := func(name, path, wantMsg string) {
		t.Helper()
		book, err := openXLSX(path, lim)
		var fe *FileError
		if !errors.As(err, &fe) {
			book.Close()
			t.Fatalf("%s: error %v, want a *FileError", name, err)
		}
		if !strings.Contains(fe.Msg, wantMsg) {
			t.Errorf("%s: message %q, want it to contain %q", name, fe.Msg, wantMsg)
		}
	}
	notZip := filepath.Join(dir, "bukan.xlsx")
	os.WriteFile(notZip, []byte("NIK;Nama\n1;2\n"), 0o600)
	openErr("not a zip", notZip, "bukan XLSX")

	good := wb(`<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`)
	b, _ := os.ReadFile(good)
	trunc := filepath.Join(dir, "potong.xlsx")
	os.WriteFile(trunc, b[:len(b)/2], 0o600)
	openErr("truncated zip", trunc, "bukan XLSX")

	// A zip bomb: 30 MB of zeros in a sheet (declared honestly), over MaxUnzipBytes.
	bomb := wb(`<worksheet><sheetData><row r="1"><c r="A1"><v>` + strings.Repeat("0", 30<<20) + `</v></c></row></sheetData></worksheet>`)
	openErr("zip bomb", bomb, "melebihi batas")
	// Under the size limit but the ratio check catches it.
	smallBomb := wb(`<worksheet><sheetData><row r="1"><c r="A1"><v>` + strings.Repeat("0", 15<<20) + `</v></c></row></sheetData></worksheet>`)
	openErr("compression ratio", smallBomb, "rasio kompresi")

	// rowErr expects the file to open and the sheet's rows to stop with a *FileError naming the row.
	rowErr := func(name, path, wantMsg string) []streamRow {
		t.Helper()
		book, err := openXLSX(path, lim)
		if err != nil {
			t.Fatalf("%s: open: %v", name, err)
		}
		defer book.Close()
		rows, err := book.Rows("S")
		if err != nil {
			t.Fatalf("%s: Rows: %v", name, err)
		}
		defer rows.Close()
		var got []streamRow
		for rows.Next() {
			c, m := rows.Cells()
			got = append(got, streamRow{rows.Number(), c, m})
		}
		var fe *FileError
		if !errors.As(rows.Err(), &fe) {
			t.Fatalf("%s: Err() = %v, want a *FileError", name, rows.Err())
		}
		if !strings.Contains(fe.Error(), wantMsg) {
			t.Errorf("%s: %q, want it to contain %q", name, fe.Error(), wantMsg)
		}
		return got
	}
	got := rowErr("XFE1", wb(`<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="XFE2"><v>1</v></c></row></sheetData></worksheet>`), "baris 2")
	if len(got) != 1 || got[0].Cells[0] != "1" {
		t.Errorf("rows before the bad cell: %+v", got)
	}
	rowErr("XFE message", wb(`<worksheet><sheetData><row r="3"><c r="XFE3"><v>1</v></c></row></sheetData></worksheet>`), "XFD")
	rowErr("bad ref", wb(`<worksheet><sheetData><row r="3"><c r="3A"><v>1</v></c></row></sheetData></worksheet>`), "tidak sah")
	rowErr("row beyond Excel", wb(`<worksheet><sheetData><row r="1048577"><c><v>1</v></c></row></sheetData></worksheet>`), "1048577")
	rowErr("unterminated cell", wb(`<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2`), "baris 1")
	rowErr("unterminated tag", wb(`<worksheet><sheetData><row r="1"><c r="A1" t="s`), "")
	rowErr("giant text", wb(`<worksheet><sheetData><row r="1"><c r="A1" t="str"><v>`+strings.Repeat("x", 5<<20)+`</v></c></row></sheetData></worksheet>`), "terlalu panjang")

	// One cell in column XFD per row: 300 rows would be 4.9 million padded cells. The reader stops
	// once the padding exceeds 1,048,576 cells plus 64 per non-empty cell: at row 65, since
	// 64 × 16,383 = 1,048,512 ≤ 1,048,576 + 64×64 and 65 × 16,383 = 1,064,895 > 1,048,576 + 64×65.
	var wide strings.Builder
	wide.WriteString(`<worksheet><sheetData>`)
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(&wide, `<row r="%d"><c r="XFD%d"><v>1</v></c></row>`, i, i)
	}
	wide.WriteString(`</sheetData></worksheet>`)
	got = rowErr("padding", wb(wide.String()), "baris 65: terlalu banyak sel kosong")
	if len(got) != 64 || len(got[63].Cells) != 16384 || got[63].Cells[16383] != "1" {
		t.Errorf("rows before the padding limit: %d", len(got))
	}

	// A sheet whose bytes do not match its CRC-32 (stored raw with a wrong checksum): the rows read
	// are followed by an error once </sheetData> is passed and the rest of the part checked.
	{
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, p := range []part{contentTypes("xl/worksheets/sheet1.xml"), rootRels,
			{"xl/workbook.xml", `<workbook xmlns="` + nsMain + `" xmlns:r="` + nsRel + `"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
			{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relWS + `" Target="worksheets/sheet1.xml"/></Relationships>`}} {
			w, _ := zw.Create(p.name)
			w.Write([]byte(p.body))
		}
		sheet := []byte(`<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><pageMargins/></worksheet>`)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Store, CRC32: 12345,
			CompressedSize64: uint64(len(sheet)), UncompressedSize64: uint64(len(sheet))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(sheet)
		zw.Close()
		crc := filepath.Join(dir, "crc.xlsx")
		os.WriteFile(crc, buf.Bytes(), 0o600)
		got := rowErr("checksum", crc, "checksum")
		if len(got) != 1 || got[0].Cells[0] != "1" {
			t.Errorf("rows before the checksum error: %+v", got)
		}
	}

	// A shared-string index out of range, negative or not a number reads like excelize: "" for the
	// first two, string 0 for the last (strconv.Atoi fails, index 0).
	p := wb(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>5</v></c><c r="B1" t="s"><v>-3</v></c><c r="C1" t="s"><v>99999999999999999999999</v></c><c r="D1" t="s"><v>abc</v></c></row></sheetData></worksheet>`,
		part{"xl/sharedStrings.xml", `<sst xmlns="` + nsMain + `"><si><t>nol</t></si></sst>`})
	book := openStream(t, p)
	checkRows(t, "S", readAllStream(t, book, "S"), map[int][]string{1: {"", "", "", "nol"}}, nil)
	checkSameAsExcelize(t, p, book)

	// The shared-string table is bounded by MaxUnzipBytes counted in memory (16 bytes of string
	// header per item plus its text): 100,000 empty items cost 1.6 MB, over a 1 MB budget.
	if _, err := xlsxscan.ParseSharedStrings(strings.NewReader("<sst>"+strings.Repeat("<si/>", 100000)+"</sst>"), 1<<20); err == nil {
		t.Error("100,000 shared strings within a 1 MB budget")
	}
	if sst, err := xlsxscan.ParseSharedStrings(strings.NewReader("<sst>"+strings.Repeat("<si/>", 1000)+"</sst>"), 1<<20); err != nil || len(sst) != 1000 {
		t.Errorf("1,000 empty shared strings: %d, %v", len(sst), err)
	}

	// An unterminated shared-strings part refuses the file.
	openErr("broken sst", wb(`<worksheet/>`, part{"xl/sharedStrings.xml", `<sst><si><t>nol`}), "sharedStrings")
	// A workbook without xl/workbook.xml.
	openErr("no workbook", writeZip(t, filepath.Join(dir, "kosong.xlsx"), []part{{"a.txt", "x"}}), "workbook.xml")
	// A sheet whose part is missing.
	noPart := writeZip(t, filepath.Join(dir, "tanpa.xlsx"), []part{
		{"xl/workbook.xml", `<workbook xmlns:r="` + nsRel + `"><sheets><sheet name="S" sheetId="1" r:id="rId9"/></sheets></workbook>`}})
	book = openStream(t, noPart)
	if _, err := book.Rows("S"); err == nil || !strings.Contains(err.Error(), "tidak ditemukan") {
		t.Errorf("missing sheet part: %v", err)
	}
	if _, err := book.Rows("Tidak Ada"); err == nil {
		t.Error("Rows of an unknown sheet: no error")
	}
}

func fmtRows(m map[int][]string) string {
	var b strings.Builder
	for n := 1; n <= maxXLSXRow && len(m) > 0; n++ {
		if r, ok := m[n]; ok {
			if len(r) > 40 {
				fmt.Fprintf(&b, "\n  %d: %d cells, last %q", n, len(r), r[len(r)-1])
			} else {
				fmt.Fprintf(&b, "\n  %d: %q", n, r)
			}
			delete(m, n)
		}
	}
	return b.String()
}

// FuzzXLSXStream feeds arbitrary bytes to the worksheet scanner and the shared-strings parser (and,
// when they look like a zip, to openXLSX and every sheet): nothing may panic or hang, and the rows
// returned keep the Cells contract. A panic inside Next is recovered into an error naming it, so
// such an error fails the fuzz too.
func FuzzXLSXStream(f *testing.F) {
	seeds := []string{
		`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><r><t>a</t></r><t>b</t></is></c><c r="C1"><f>1</f><v>2</v></c></row><row><c><v>1</v></c><c/><c t="b"><v>1</v></c></row></sheetData></worksheet>`,
		`<x:worksheet xmlns:x="u"><x:sheetData><x:row r="3"><x:c r="XFD3" t="str"><x:v>a&amp;b&#x41;&#65;&bogus;</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
		`<?xml version="1.0"?><!-- c --><sst><si><t xml:space="preserve"> a_x000D_b </t></si><si><r><t>x</t></r><rPh><t>y</t></rPh></si><si><t><![CDATA[<z>]]></t></si></sst>`,
		`<worksheet><sheetData><row r="2"><c r="B2"><v>1</v></c></row></sheetData><mergeCells><mergeCell ref="A1:B2"/></mergeCells></worksheet>`,
		`<sheetData><row r="1"><c r="A1" t="s"><v>`,
		`<row><c r='A1' t='s'><v>1</v></c></row><row r="99999999999999"/>`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	seedBook := filepath.Join(dir, "seed.xlsx")
	fx := excelize.NewFile()
	fx.SetCellValue("Sheet1", "A1", "NIK")
	fx.SetCellValue("Sheet1", "B2", 1250000.5)
	fx.SetCellRichText("Sheet1", "C3", []excelize.RichTextRun{{Text: "a"}, {Text: "b"}})
	fx.MergeCell("Sheet1", "A1", "B1")
	if err := fx.SaveAs(seedBook); err == nil {
		if b, err := os.ReadFile(seedBook); err == nil {
			f.Add(b)
		}
	}
	fx.Close()
	lim := Limits{MaxFileBytes: 4 << 20, MaxUnzipBytes: 16 << 20, MaxCompressionRatio: 100}
	n := 0
	f.Fuzz(func(t *testing.T, data []byte) {
		sst, _ := xlsxscan.ParseSharedStrings(bytes.NewReader(data), 1<<20)
		if len(sst) > len(data) {
			t.Fatalf("%d shared strings from %d bytes", len(sst), len(data))
		}
		book := &xlsxBook{name: "fuzz.xlsx", sst: xlsxscan.SharedStringsOf("nol", "satu")}
		rows := &xlsxRows{book: book, sheet: "S", s: xlsxscan.NewScanner(bytes.NewReader(data)), started: !bytes.Contains(data, []byte("sheetData"))}
		checkFuzzRows(t, rows)
		if bytes.HasPrefix(data, []byte("PK")) {
			n++
			path := filepath.Join(dir, fmt.Sprintf("f%d.xlsx", n))
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			defer os.Remove(path)
			book, err := openXLSX(path, lim)
			if err != nil {
				if strings.Contains(err.Error(), "panic") {
					t.Fatal(err)
				}
				return
			}
			defer book.Close()
			_ = book.Date1904()
			for _, s := range book.Sheets() {
				_ = book.Merges(s)
				rows, err := book.Rows(s)
				if err != nil {
					if strings.Contains(err.Error(), "panic") {
						t.Fatal(err)
					}
					continue
				}
				checkFuzzRows(t, rows)
				rows.Close()
			}
		}
	})
}

func checkFuzzRows(t *testing.T, rows *xlsxRows) {
	t.Helper()
	for rows.Next() {
		if rows.Number() < 1 || rows.Number() > maxXLSXRow {
			t.Fatalf("row number %d", rows.Number())
		}
		c, m := rows.Cells()
		if len(c) != cap(c) || len(m) != cap(m) || len(c) != len(m) || len(c) > maxXLSXColumn {
			t.Fatalf("row %d: cells %d/%d machine %d/%d", rows.Number(), len(c), cap(c), len(m), cap(m))
		}
		if len(c) > 0 && c[len(c)-1] == "" {
			t.Fatalf("row %d: trailing empty cell", rows.Number())
		}
		for i := range c {
			if m[i] && !isMachineNumber(c[i]) {
				t.Fatalf("row %d: %q flagged machine", rows.Number(), c[i])
			}
		}
	}
	if err := rows.Err(); err != nil && strings.Contains(err.Error(), "panic") {
		t.Fatal(err)
	}
}

// TestXLSXStreamRandomVsExcelize writes workbooks of random cells with excelize (strings with
// markup characters, escapes, spaces and line ends, numbers, booleans, dates, rich text, inline
// strings, formulas, styled empty cells, gaps) and checks the streaming reader returns exactly what
// excelize's own Rows()+Columns(raw) returns.
func TestXLSXStreamRandomVsExcelize(t *testing.T) {
	pieces := []string{"a", "Koperasi", " ", "  ", "&", "<", ">", `"`, "'", "_x000D_", "_x0041_", "_x005F_x0041_", "_x", "\n", "\r\n", "\t", "é", "日本", "1.250", "-", "E", "0", ";", "]]>", "<![CDATA[", "&amp;", "&#65;"}
	rng := uint64(20261124)
	rand := func(n int) int {
		rng ^= rng << 13
		rng ^= rng >> 7
		rng ^= rng << 17
		return int(rng % uint64(n))
	}
	text := func() string {
		var b strings.Builder
		for k := rand(5); k >= 0; k-- {
			b.WriteString(pieces[rand(len(pieces))])
		}
		return b.String()
	}
	dir := t.TempDir()
	for w := 0; w < 12; w++ {
		f := excelize.NewFile()
		style, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Italic: true}})
		for _, sheet := range []string{"Sheet1", "Lain"} {
			if sheet != "Sheet1" {
				f.NewSheet(sheet)
			}
			for r := 1; r <= 40; r++ {
				if rand(4) == 0 {
					continue // a gap
				}
				for c := 1; c <= 8; c++ {
					cell, _ := excelize.CoordinatesToCellName(c+rand(2)*rand(40), r)
					var err error
					switch rand(11) {
					case 0:
						err = f.SetCellValue(sheet, cell, text())
					case 1:
						err = f.SetCellValue(sheet, cell, rand(2000000)-1000000)
					case 2:
						err = f.SetCellValue(sheet, cell, float64(rand(1<<30))/float64(1+rand(1000)))
					case 3:
						err = f.SetCellBool(sheet, cell, rand(2) == 0)
					case 4:
						err = f.SetCellValue(sheet, cell, time.Date(2020+rand(6), time.Month(1+rand(12)), 1+rand(28), 0, 0, 0, 0, time.UTC))
					case 5:
						err = f.SetCellRichText(sheet, cell, []excelize.RichTextRun{{Text: text()}, {Text: text(), Font: &excelize.Font{Bold: true}}})
					case 6:
						err = f.SetCellDefault(sheet, cell, text())
					case 7:
						err = f.SetCellFormula(sheet, cell, "1+1")
					case 8:
						err = f.SetCellStyle(sheet, cell, cell, style)
					case 9:
						err = f.SetCellDefault(sheet, cell, strconv.FormatFloat(float64(rand(1<<20))*1e12, 'E', -1, 64))
					default:
						err = f.SetCellStr(sheet, cell, text())
					}
					if err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		if rand(2) == 0 {
			f.SetSheetVisible("Lain", false)
		}
		path := filepath.Join(dir, fmt.Sprintf("acak%d.xlsx", w))
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		f.Close()
		checkSameAsExcelize(t, path, openStream(t, path))
	}
}
