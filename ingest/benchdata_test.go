package ingest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// The benchmark data: one tahun buku of a large office, 13 columns as an office spreadsheet has them
// (labels with units and abbreviations, a kecamatan name, a date, counts and rupiah amounts).
var benchHeader = []string{
	"NIK", "Nama Koperasi", "Tahun Buku", "Jenis Koperasi", "Kecamatan", "Tgl RAT",
	"Anggota Pria", "Anggota Wanita", "Simpanan Pokok (Rp)", "Simpanan Wajib (Rp)",
	"Total Aset (Rp)", "Vol. Usaha (Rp)", "SHU (Rp)",
}

var (
	benchKecamatan = []string{"Beji", "Pancoran Mas", "Cipayung", "Sukmajaya", "Cilodong", "Limo",
		"Cinere", "Cimanggis", "Tapos", "Sawangan", "Bojongsari"}
	benchJenis = []string{"KSP", "Serba Usaha", "Konsumen", "Produsen", "Jasa", "KSPPS", "Pemasaran"}
)

// benchRow is row i (0-based) of the benchmark data as typed values.
func benchRow(i int) []any {
	pria := 20 + i%180
	wanita := 15 + (i*7)%160
	pokok := int64(pria+wanita) * 100_000
	wajib := int64(pria+wanita) * 1_200_000
	aset := (pokok+wajib)*3 + int64(i%1000)*10_000
	shu := int64(i%5000)*1_000 - 1_000_000 // some negative
	return []any{
		fmt.Sprintf("3276%012d", i+1),
		fmt.Sprintf("Koperasi Sejahtera Bersama %d", i+1),
		2024,
		benchJenis[i%len(benchJenis)],
		benchKecamatan[i%len(benchKecamatan)],
		time.Date(2025, time.Month(1+i%6), 1+i%28, 0, 0, 0, 0, time.UTC),
		pria, wanita, pokok, wajib, aset, aset * 2, shu,
	}
}

// writeBenchXLSX writes n rows with excelize's StreamWriter: a title row, a blank row, the header on
// row 3, data from row 4; dates are date cells (serial numbers with a date style).
func writeBenchXLSX(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"LAPORAN TAHUNAN KOPERASI KOTA DEPOK TAHUN BUKU 2024"}); err != nil {
		return err
	}
	hdr := make([]any, len(benchHeader))
	for i, h := range benchHeader {
		hdr[i] = h
	}
	if err := sw.SetRow("A3", hdr); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		vals := benchRow(i)
		vals[5] = excelize.Cell{StyleID: dateStyle, Value: vals[5]}
		cell, _ := excelize.CoordinatesToCellName(1, 4+i)
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// writeBenchCSV writes the same rows as an Indonesian Excel saves CSV: `;`, dates dd/mm/yyyy.
func writeBenchCSV(path string, n int) error {
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	for i, h := range benchHeader {
		if i > 0 {
			w.WriteByte(';')
		}
		w.WriteString(h)
	}
	w.WriteString("\r\n")
	for i := 0; i < n; i++ {
		for j, v := range benchRow(i) {
			if j > 0 {
				w.WriteByte(';')
			}
			switch x := v.(type) {
			case string:
				w.WriteString(x)
			case int:
				w.WriteString(strconv.Itoa(x))
			case int64:
				w.WriteString(strconv.FormatInt(x, 10))
			case time.Time:
				w.WriteString(x.Format("02/01/2006"))
			}
		}
		w.WriteString("\r\n")
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// benchFiles returns the cached benchmark files of n rows, generating them when missing. They live in
// testdata/bench (ignored by git); a file is written under a temporary name first so an interrupted
// run never leaves a half file in the cache.
func benchFiles(n int) (xlsx, csv string, err error) {
	dir := filepath.Join("testdata", "bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	xlsx = filepath.Join(dir, fmt.Sprintf("laporan-%d-v1.xlsx", n))
	csv = filepath.Join(dir, fmt.Sprintf("laporan-%d-v1.csv", n))
	for _, g := range []struct {
		path  string
		write func(string, int) error
	}{{xlsx, writeBenchXLSX}, {csv, writeBenchCSV}} {
		if _, err := os.Stat(g.path); err == nil {
			continue
		}
		tmp := g.path + ".tmp" + filepath.Ext(g.path)
		if err := g.write(tmp, n); err != nil {
			os.Remove(tmp)
			return "", "", err
		}
		if err := os.Rename(tmp, g.path); err != nil {
			return "", "", err
		}
	}
	return xlsx, csv, nil
}
