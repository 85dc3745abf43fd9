package dashboards

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Downloads: every table behind a chart is written at publish time as CSV and XLSX next to the pages
// (unduh/), so the download links work from file:// and from any static host without a script.

func (s *site) writeDownloads(p *Page, pn *Panel) error {
	if len(pn.Tabel.Kolom) == 0 || pn.Kosong != "" {
		return nil
	}
	base := downloadBase(p.File) + pn.ID
	pn.csv = "unduh/" + base + ".csv"
	pn.xlsx = "unduh/" + base + ".xlsx"
	return writeTable(filepath.Join(s.Dir, "unduh"), base, pn.Judul, pn.Tabel)
}

// writeTable writes dir/base.csv and dir/base.xlsx.
func writeTable(dir, base, title string, t Tabel) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, base+".csv"), tableCSV(t), 0o644); err != nil {
		return err
	}
	return tableXLSX(filepath.Join(dir, base+".xlsx"), title, t)
}

// tableCSV writes the CSV as Indonesian Excel reads it: UTF-8 with BOM, ';' between fields, a decimal
// comma and no thousands separator.
func tableCSV(t Tabel) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	head := make([]string, len(t.Kolom))
	for i, k := range t.Kolom {
		head[i] = k.Label
	}
	_ = w.Write(head)
	rec := make([]string, len(t.Kolom))
	for _, r := range t.Baris {
		for i, c := range r {
			rec[i] = csvCell(c)
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return buf.Bytes()
}

func csvCell(c any) string {
	switch v := c.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(v, 10)
	case int:
		return strconv.Itoa(v)
	case float64:
		return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
	case string:
		// A leading = + - @ would be read as a formula by a spreadsheet (CSV injection).
		if v != "" && strings.ContainsRune("=+-@", rune(v[0])) {
			return "'" + v
		}
		return v
	}
	return fmt.Sprint(c)
}

// tableXLSX writes numbers as numbers (with a thousands format that Excel shows in the user's locale)
// and everything else as text, so nothing from the data is ever evaluated as a formula.
func tableXLSX(path, title string, t Tabel) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Data"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	whole, _ := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	dec, _ := f.NewStyle(&excelize.Style{NumFmt: 4})   // #,##0.00
	rp, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr(`"Rp "#,##0`)})
	pct, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr(`0.0"%"`)})
	_ = sw.SetColWidth(1, len(t.Kolom), 18)
	head := make([]any, len(t.Kolom))
	for i, k := range t.Kolom {
		head[i] = excelize.Cell{StyleID: bold, Value: k.Label}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	row := make([]any, len(t.Kolom))
	for ri, r := range t.Baris {
		for i, c := range r {
			style := 0
			switch t.Kolom[i].Tipe {
			case "angka":
				style = whole
			case "rp":
				style = rp
			case "persen":
				style = pct
			case "desimal":
				style = dec
			}
			switch v := c.(type) {
			case nil:
				row[i] = nil
			case string:
				row[i] = excelize.Cell{Value: v} // strings are written as inline text, never formulas
			default:
				row[i] = excelize.Cell{StyleID: style, Value: v}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, ri+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_ = f.SetDocProps(&excelize.DocProperties{Title: title, Creator: "Pantau"})
	return f.SaveAs(path)
}

func ptr[T any](v T) *T { return &v }
