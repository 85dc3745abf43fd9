package ingest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// FuzzReadXLSX feeds arbitrary bytes as an .xlsx file through the reader, header detection and row
// parsing: no input may panic or hang. The seed corpus (real small workbooks from Excel-like and
// hand-written inline-string writers) is kept in testdata/fuzz/FuzzReadXLSX.
func FuzzReadXLSX(f *testing.F) {
	for _, seed := range xlsxSeeds(f) {
		f.Add(seed)
	}
	lim := Limits{MaxFileBytes: 4 << 20, MaxUnzipBytes: 16 << 20, MaxCompressionRatio: 100, MaxRows: 2000, MaxEmptyRows: 100}
	dir := f.TempDir()
	n := 0
	f.Fuzz(func(t *testing.T, b []byte) {
		n++
		path := filepath.Join(dir, fmt.Sprintf("f%d.xlsx", n))
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(path)
		st := time.Now()
		if os.Getenv("FUZZDBG") != "" {
			done := make(chan struct{})
			defer close(done)
			go func() {
				select {
				case <-done:
				case <-time.After(3 * time.Second):
					os.WriteFile("/tmp/hang.xlsx", b, 0o600)
					buf := make([]byte, 1<<20)
					os.WriteFile("/tmp/hang.stack", buf[:runtime.Stack(buf, true)], 0o600)
				}
			}()
		}
		defer func() {
			if d := time.Since(st); d > time.Second && os.Getenv("FUZZDBG") != "" {
				os.WriteFile(fmt.Sprintf("/tmp/slowfuzz-%d.xlsx", n), b, 0o600)
				fmt.Fprintln(os.Stderr, "SLOW", d, len(b))
			}
		}()
		grids, err := xlsxReader{}.Read(path, lim)
		if err != nil {
			return
		}
		batch, err := GridsToBatch(grids, "fuzz.xlsx", nil)
		if err != nil {
			return
		}
		rc := &rowContext{kind: batch.Kind, date1904: batch.Date1904, now: time.Now(), labels: batch.Labels}
		for i := range batch.Inputs {
			if in := &batch.Inputs[i]; !in.Totals {
				parseRow(in, rc)
			}
		}
	})
}

// xlsxSeeds are small real workbooks: excelize (shared strings, merges, a date cell, two-row header)
// and a hand-written one with inline strings and the 1904 date system.
func xlsxSeeds(t testing.TB) [][]byte {
	dir := t.TempDir()
	a := writeXLSX(t, filepath.Join(dir, "a.xlsx"), func(f *excelize.File) {
		set(t, f, "Sheet1", 1, "LAPORAN TAHUN BUKU 2024")
		set(t, f, "Sheet1", 2, "NIK", "Nama Koperasi", "Jumlah Anggota", nil, "Tgl RAT")
		set(t, f, "Sheet1", 3, nil, nil, "Pria", "Wanita")
		f.MergeCell("Sheet1", "C2", "D2")
		set(t, f, "Sheet1", 4, "3276010000000001", "KSP A", 10, "1.250", time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC))
		set(t, f, "Sheet1", 5, "JUMLAH", nil, 10, 1250)
	})
	b := writeRawXLSX(t, filepath.Join(dir, "b.xlsx"), true, map[string][][]rawCell{
		"2023": {{is("NIK"), is("Nama"), is("Total Aset")}, {is("3276010000000002"), rawCell{"str", "KSU B"}, num("1.25")}},
	}, []string{"2023"})
	var out [][]byte
	for _, p := range []string{a, b} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// TestWriteFuzzCorpus refreshes testdata/fuzz from the seeds (PANTAU_WRITE_FUZZ_CORPUS=1).
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("PANTAU_WRITE_FUZZ_CORPUS") == "" {
		t.Skip("set PANTAU_WRITE_FUZZ_CORPUS=1 to rewrite testdata/fuzz")
	}
	write := func(target string, seeds [][]byte) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, s := range seeds {
			var b bytes.Buffer
			b.WriteString("go test fuzz v1\n[]byte(" + strconv.Quote(string(s)) + ")\n")
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%d", i+1)), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("FuzzReadXLSX", xlsxSeeds(t))
	write("FuzzParseCSV", [][]byte{
		[]byte("\xef\xbb\xbfNo;NIK;Nama Koperasi;Simp. Pokok (Rp);Tahun Buku\n1;3276010000000001;KSP A;Rp 1.250.000,50;2024\n;;;;\nJUMLAH;;;1.250.000,50;\n"),
		[]byte("NIK,Nama,Total Aset\n3276010000000001,Koperasi Caf\xe9,\"1,250,000\"\n"),
		[]byte("LAPORAN TAHUN BUKU 2024\n\nNIK\tNama\tJml Anggota\n3276010000000001\tKUD\t(12)\n"),
	})
}
