package ingest

import (
	"archive/zip"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// newWS makes a fresh workspace for Kota Depok (32.76) with a real DuckDB warehouse.
func newWS(t testing.TB) *workspace.Workspace {
	t.Helper()
	ws, _, err := workspace.Init(context.Background(), t.TempDir(), "32.76", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

// writeXLSX writes a workbook built by fill with excelize (shared strings, as Excel saves).
func writeXLSX(t testing.TB, path string, fill func(f *excelize.File)) string {
	t.Helper()
	f := excelize.NewFile()
	fill(f)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// set writes a row of values starting at column A of row r.
func set(t testing.TB, f *excelize.File, sheet string, r int, vals ...any) {
	t.Helper()
	cell, _ := excelize.CoordinatesToCellName(1, r)
	if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
		t.Fatal(err)
	}
}

func ingest(t testing.TB, ws *workspace.Workspace, path string, opt Options) *Summary {
	t.Helper()
	s, err := IngestFile(context.Background(), ws, path, opt)
	if err != nil {
		t.Fatalf("IngestFile(%s): %v", filepath.Base(path), err)
	}
	return s
}

// rowsOf returns the query result as text (NULL → "∅").
func rowsOf(t testing.TB, ws *workspace.Workspace, q string, args ...any) [][]string {
	t.Helper()
	rows, err := ws.WH.DB().QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = "∅"
			if v.Valid {
				row[i] = v.String
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// laporan returns the loaded row of a cooperative and year: canonical field → value as text.
func laporan(t testing.TB, ws *workspace.Workspace, nik string, tahun int) map[string]string {
	t.Helper()
	rows, err := ws.WH.DB().QueryContext(context.Background(),
		`SELECT COLUMNS(*)::VARCHAR FROM raw.laporan WHERE nik = ? AND tahun_buku = ?`, nik, tahun)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out map[string]string
	n := 0
	for rows.Next() {
		n++
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = map[string]string{}
		for i, c := range cols {
			if vals[i].Valid {
				out[c] = vals[i].String
			}
		}
	}
	if n != 1 {
		t.Fatalf("raw.laporan nik %s tahun %d: %d rows, want 1", nik, tahun, n)
	}
	return out
}

// expect compares selected fields of a loaded row; "∅" means NULL.
func expect(t testing.TB, got map[string]string, want map[string]string) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			g = "∅"
		}
		if g != w {
			t.Errorf("%s %s: got %q, want %q", got["nik"], k, g, w)
		}
	}
}

// quarantine lists (sheet, row, column, reason_code) of a submission, sorted.
func quarantine(t testing.TB, ws *workspace.Workspace, id int64) []string {
	t.Helper()
	var out []string
	for _, r := range rowsOf(t, ws, `SELECT coalesce(sheet, ''), row_number, column_name, reason_code, value, reason
		FROM ops.quarantine WHERE submission_id = ? ORDER BY row_number, column_name, reason_code`, id) {
		out = append(out, fmt.Sprintf("%s:%s:%s:%s", r[0], r[1], r[2], r[3]))
		if !strings.ContainsAny(r[5], "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("quarantine reason %q is not a sentence", r[5])
		}
	}
	return out
}

func sameList(t testing.TB, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func count(t testing.TB, ws *workspace.Workspace, q string, args ...any) int {
	t.Helper()
	var n int
	if err := ws.WH.DB().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// rawCell is one cell of a hand-written sheet: t is the XLSX type attribute ("" numeric,
// "inlineStr", "s" shared, "str" formula string), v the value.
type rawCell struct{ t, v string }

func is(v string) rawCell  { return rawCell{"inlineStr", v} }
func num(v string) rawCell { return rawCell{"", v} }

// writeRawXLSX writes a minimal workbook by hand, the way Google Sheets, WPS, LibreOffice or other
// tools do: inline strings instead of a shared-string table, optional 1904 date system, no styles.
func writeRawXLSX(t testing.TB, path string, date1904 bool, sheets map[string][][]rawCell, order []string) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	put := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	var ct, wbSheets, rels strings.Builder
	for i, name := range order {
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		fmt.Fprintf(&wbSheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, name, i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+ct.String()+`</Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	pr := ""
	if date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+pr+`<sheets>`+wbSheets.String()+`</sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+rels.String()+`</Relationships>`)
	for i, name := range order {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for r, row := range sheets[name] {
			fmt.Fprintf(&b, `<row r="%d">`, r+1)
			for c, cell := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				switch cell.t {
				case "skip":
				case "inlineStr":
					fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, xmlEscape(cell.v))
				case "str":
					fmt.Fprintf(&b, `<c r="%s" t="str"><f>"x"</f><v>%s</v></c>`, ref, xmlEscape(cell.v))
				default:
					if cell.v != "" {
						fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, cell.v)
					}
				}
			}
			b.WriteString(`</row>`)
		}
		b.WriteString(`</sheetData></worksheet>`)
		put(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), b.String())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
