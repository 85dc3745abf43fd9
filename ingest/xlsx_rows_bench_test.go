package ingest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkXLSXStream compares the raw worksheet read of the streaming reader (xlsx_rows.go) with
// excelize's OpenFile + Rows() + Columns(raw) on the 200,000-row × 13-column benchmark workbook of
// benchdata_test.go. Each reader runs in its own process so that peak RSS (VmHWM) is its own; CPU
// time is user+system of that process for the read alone. The streaming reader is measured with
// klauspost's inflater (what openXLSX registers) and with compress/flate. PANTAU_BENCH_ROWS
// overrides the row count.

var xlsxStreamBenchOnce sync.Once

func BenchmarkXLSXStream(b *testing.B) {
	n := 200_000
	if v, err := strconv.Atoi(os.Getenv("PANTAU_BENCH_ROWS")); err == nil && v > 0 {
		n = v
	}
	ran := false
	xlsxStreamBenchOnce.Do(func() {
		ran = true
		runXLSXStreamComparison(b, n)
	})
	if !ran {
		b.Skip("the comparison runs once per process")
	}
}

func runXLSXStreamComparison(b *testing.B, n int) {
	start := time.Now()
	xlsx, _, err := benchFiles(n)
	if err != nil {
		b.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		b.Logf("generated %s in %s", xlsx, d.Round(time.Second))
	}
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	child := func(mode, path string) benchResult {
		cmd := exec.Command(self, "-test.run=^TestBenchChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), benchChildEnv+"="+mode, "PANTAU_BENCH_FILE="+path)
		return runBenchProcess(cmd)
	}
	files := []struct{ path, what string }{{xlsx, "excelize StreamWriter: inline strings"}}
	if lo, err := libreOfficeCopy(b, xlsx); err != nil {
		b.Logf("no LibreOffice copy: %v", err)
	} else {
		files = append(files, struct{ path, what string }{lo, "saved again by LibreOffice: shared strings, as Excel writes"})
	}
	var w strings.Builder
	for _, file := range files {
		size := int64(0)
		if st, err := os.Stat(file.path); err == nil {
			size = st.Size()
		}
		fmt.Fprintf(&w, "\nXLSX raw worksheet read: %d rows × %d columns, %.1f MB, %s (load average %s)\n", n, len(benchHeader), float64(size)/1e6, file.what, loadAvg())
		fmt.Fprintf(&w, "%-44s %8s %8s %11s %9s\n", "reader", "wall s", "CPU s", "rows/CPU-s", "peak RSS")
		fmt.Fprintf(&w, "%s\n", strings.Repeat("-", 84))
		res := map[string]benchResult{}
		for _, m := range []struct{ mode, label string }{
			{"stream", "Pantau xlsx_stream (klauspost inflate)"},
			{"stream-stdflate", "Pantau xlsx_stream (compress/flate)"},
			{"excelize", "[peer] excelize OpenFile+Rows+Columns(raw)"},
		} {
			r := child(m.mode, file.path)
			res[m.mode] = r
			if r.Err != "" {
				fmt.Fprintf(&w, "%-44s  failed: %s\n", m.label, firstLine(r.Err))
				continue
			}
			rate := 0.0
			if r.CPU > 0 {
				rate = float64(r.Rows) / r.CPU
			}
			fmt.Fprintf(&w, "%-44s %8.2f %8.2f %11.0f %6.0f MB", m.label, r.Seconds, r.CPU, rate, float64(r.PeakKB)/1024)
			if r.Rows != n {
				fmt.Fprintf(&w, "  (%d rows!)", r.Rows)
			}
			fmt.Fprintln(&w)
		}
		if s, e := res["stream"], res["excelize"]; s.Err == "" && e.Err == "" && s.CPU > 0 {
			fmt.Fprintf(&w, "excelize / stream CPU: %.1f× (target: stream ≤ 1.0 CPU-s on 200k rows)\n", e.CPU/s.CPU)
		}
	}
	b.Log(w.String())
	fmt.Print(w.String())
	if err := os.WriteFile(filepath.Join("testdata", "bench", "xlsx-stream-bench.txt"), []byte(w.String()), 0o644); err != nil {
		b.Log(err)
	}
}

// libreOfficeCopy returns the benchmark workbook saved again by LibreOffice (cached beside it in
// testdata/bench): the same rows with a shared-string table, as Excel and LibreOffice write them.
func libreOfficeCopy(b *testing.B, xlsx string) (string, error) {
	out := strings.TrimSuffix(xlsx, ".xlsx") + "-lo.xlsx"
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		return "", err
	}
	tmp := b.TempDir()
	src := filepath.Join(tmp, "lo.xlsx")
	data, err := os.ReadFile(xlsx)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(src, data, 0o600); err != nil {
		return "", err
	}
	outDir := filepath.Join(tmp, "out")
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(tmp, "profile"), "--headless",
		"--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", outDir, src)
	cmd.Env = append(os.Environ(), "HOME="+tmp)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("soffice: %v: %s", err, msg)
	}
	if err := os.Rename(filepath.Join(outDir, "lo.xlsx"), out); err != nil {
		return "", err
	}
	return out, nil
}

// benchXLSXStream reads the first sheet and counts the full-width data rows (the header excluded),
// as benchExcelizeRaw does.
func benchXLSXStream(path string) (benchResult, error) {
	m := startMeter()
	book, err := openXLSX(path, Limits{})
	if err != nil {
		return benchResult{}, err
	}
	defer book.Close()
	rows, err := book.Rows(book.Sheets()[0])
	if err != nil {
		return benchResult{}, err
	}
	n := 0
	for rows.Next() {
		cells, _ := rows.Cells()
		if len(cells) == len(benchHeader) {
			n++
		}
	}
	if err := rows.Err(); err != nil {
		return benchResult{}, err
	}
	rows.Close()
	return m.result(n - 1), nil
}
