package ingest

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// The ingest comparison that `make bench` prints: a 200,000-row × 13-column XLSX and the same data as
// CSV, read by Pantau (parse only = read, header detection, values, validation, duplicates, as
// `pantau ingest --dry-run`; parse+load = the whole `pantau ingest` into a fresh warehouse, with
// each loader) and by the peers: excelize's own Rows() loop over the same file (raw values, what
// Pantau's reader is built on), encoding/csv, pandas.read_excel (openpyxl) and pandas.read_csv.
//
// Every measurement runs in its own process, so that "peak memory" is that process' peak resident
// set (VmHWM from /proc, ru_maxrss for Python): Go runtime or Python interpreter and libraries
// included, DuckDB's memory included for the loads. Time is the wall clock of the work alone
// (process start, Python imports and warehouse creation excluded). PANTAU_BENCH_ROWS overrides the
// row count for a quick run.

const benchChildEnv = "PANTAU_BENCH_CHILD"

type benchResult struct {
	Rows    int     `json:"rows"`
	Seconds float64 `json:"seconds"`     // wall clock
	CPU     float64 `json:"cpu_seconds"` // user+system time of the process, all threads
	PeakKB  int64   `json:"peak_kb"`
	Err     string  `json:"error,omitempty"`
}

// meter measures wall clock and the process' CPU time from its start.
type meter struct {
	wall time.Time
	cpu  float64
}

func startMeter() meter { return meter{time.Now(), cpuSeconds()} }

func (m meter) result(rows int) benchResult {
	return benchResult{Rows: rows, Seconds: time.Since(m.wall).Seconds(), CPU: cpuSeconds() - m.cpu}
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

var benchOnce sync.Once

func BenchmarkIngest200k(b *testing.B) {
	n := 200_000
	if v, err := strconv.Atoi(os.Getenv("PANTAU_BENCH_ROWS")); err == nil && v > 0 {
		n = v
	}
	ran := false
	benchOnce.Do(func() {
		ran = true
		runIngestComparison(b, n)
	})
	if !ran {
		b.Skip("the comparison runs once per process")
	}
}

type benchLine struct {
	file, who, what string
	res             benchResult
}

func runIngestComparison(b *testing.B, n int) {
	start := time.Now()
	xlsx, csvPath, err := benchFiles(n)
	if err != nil {
		b.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		b.Logf("generated %s and %s in %s", xlsx, csvPath, d.Round(time.Second))
	}
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	// Each Pantau measurement gets a warehouse made beforehand by a process of its own, as staff run
	// `pantau init` once and `pantau ingest` many times: creating it (migrations, 90,000 regions) is
	// neither the ingest's time nor its memory.
	child := func(mode, path string) benchResult {
		ws := ""
		if mode != "excelize" && mode != "csv" {
			ws = b.TempDir()
			cmd := exec.Command(self, "-test.run=^TestBenchChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), benchChildEnv+"=init", "PANTAU_BENCH_WS="+ws)
			if r := runBenchProcess(cmd); r.Err != "" {
				return r
			}
		}
		cmd := exec.Command(self, "-test.run=^TestBenchChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), benchChildEnv+"="+mode, "PANTAU_BENCH_FILE="+path, "PANTAU_BENCH_WS="+ws)
		return runBenchProcess(cmd)
	}
	py := "/usr/bin/python3"
	pandas := func(path string) benchResult {
		script := filepath.Join(b.TempDir(), "pandas_bench.py")
		if err := os.WriteFile(script, []byte(pandasScript), 0o644); err != nil {
			b.Fatal(err)
		}
		return runBenchProcess(exec.Command(py, script, path))
	}
	load0 := loadAvg()
	b.ResetTimer()
	lines := []benchLine{
		{"XLSX", "peer", "excelize Rows() raw read", child("excelize", xlsx)},
		{"XLSX", "peer", "pandas.read_excel (openpyxl)", pandas(xlsx)},
		{"XLSX", "pantau", "parse (ingest --dry-run)", child("parse", xlsx)},
		{"XLSX", "pantau", loadLabel(LoaderAppender), child("load-appender", xlsx)},
		{"XLSX", "pantau", loadLabel(LoaderArrow), child("load-arrow", xlsx)},
		{"XLSX", "pantau", "parse+load, default, DuckDB 256MB", child("load-256mb", xlsx)},
	}
	// The same rows as Excel and LibreOffice write them (a shared-string table instead of inline
	// strings): the workbook saved again by LibreOffice, when it is installed.
	if lo, err := libreOfficeCopy(b, xlsx); err != nil {
		b.Logf("no shared-strings copy (LibreOffice): %v", err)
	} else {
		lines = append(lines,
			benchLine{"XLSXs", "peer", "excelize Rows() raw read", child("excelize", lo)},
			benchLine{"XLSXs", "peer", "pandas.read_excel (openpyxl)", pandas(lo)},
			benchLine{"XLSXs", "pantau", "parse (ingest --dry-run)", child("parse", lo)},
			benchLine{"XLSXs", "pantau", loadLabel(DefaultLoader), child("load", lo)},
		)
	}
	lines = append(lines, []benchLine{
		{"CSV", "peer", "encoding/csv raw read", child("csv", csvPath)},
		{"CSV", "peer", "pandas.read_csv", pandas(csvPath)},
		{"CSV", "pantau", "parse (ingest --dry-run)", child("parse", csvPath)},
		{"CSV", "pantau", loadLabel(DefaultLoader), child("load", csvPath)},
	}...)
	b.StopTimer()
	table := formatBenchTable(n, xlsx, csvPath, lines, load0+" → "+loadAvg())
	fmt.Print("\n" + table)
	out := filepath.Join("testdata", "bench", "ingest-bench.txt")
	if err := os.WriteFile(out, []byte(table), 0o644); err != nil {
		b.Log(err)
	}
	for _, l := range lines {
		if l.who == "pantau" && l.res.Err == "" && l.res.CPU > 0 {
			kind := "parse"
			switch {
			case strings.Contains(l.what, "256MB"):
				kind = "load-256mb"
			case strings.Contains(l.what, "Appender"):
				kind = "load-appender"
			case strings.Contains(l.what, "Arrow"):
				kind = "load-arrow"
			}
			unit := strings.ToLower(l.file) + "-" + kind + "-rows/s"
			b.ReportMetric(float64(l.res.Rows)/l.res.CPU, unit)
		}
	}
}

// runBenchProcess runs a measuring process and reads the JSON result from its last "BENCH " line.
func runBenchProcess(cmd *exec.Cmd) benchResult {
	out, err := cmd.CombinedOutput()
	var res benchResult
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	found := false
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), "BENCH "); ok {
			found = json.Unmarshal([]byte(line), &res) == nil
		}
	}
	if !found {
		msg := strings.TrimSpace(string(out))
		if len(msg) > 300 {
			msg = msg[len(msg)-300:]
		}
		if err != nil {
			msg = err.Error() + ": " + msg
		}
		return benchResult{Err: msg}
	}
	return res
}

func formatBenchTable(n int, xlsx, csvPath string, lines []benchLine, load string) string {
	var w strings.Builder
	size := func(p string) string {
		st, err := os.Stat(p)
		if err != nil {
			return "?"
		}
		return fmt.Sprintf("%.1f MB", float64(st.Size())/(1<<20))
	}
	fmt.Fprintf(&w, "Ingest benchmark: %d rows × %d columns — XLSX %s, CSV %s (`;`); %d CPUs, load average %s\n",
		n, len(benchHeader), size(xlsx), size(csvPath), runtime.NumCPU(), load)
	fmt.Fprintf(&w, "wall = elapsed time of the work alone (start-up, imports, warehouse creation excluded); CPU = user+system\n")
	fmt.Fprintf(&w, "time of the process, all threads — the fair measure on a shared machine, and the one rows/s and the\n")
	fmt.Fprintf(&w, "targets use; peak RSS = the process' peak resident memory (VmHWM / ru_maxrss: Go runtime or Python\n")
	fmt.Fprintf(&w, "interpreter included, DuckDB included; the warehouse is made beforehand by another process, as\n")
	fmt.Fprintf(&w, "`pantau init` is). One run each, every measurement in its own process.\n")
	fmt.Fprintf(&w, "XLSX = written by excelize (inline strings); XLSXs = the same workbook saved again by LibreOffice\n")
	fmt.Fprintf(&w, "(a shared-string table, as Excel and LibreOffice write it).\n\n")
	fmt.Fprintf(&w, "%-5s %-38s %8s %8s %11s %9s\n", "file", "reader", "wall s", "CPU s", "rows/CPU-s", "peak RSS")
	fmt.Fprintf(&w, "%s\n", strings.Repeat("-", 84))
	get := map[string]benchResult{}
	for _, l := range lines {
		label := l.what
		if l.who == "peer" {
			label = "[peer] " + label
		}
		get[l.file+"/"+l.what] = l.res
		if l.res.Err != "" {
			fmt.Fprintf(&w, "%-5s %-38s  failed: %s\n", l.file, label, firstLine(l.res.Err))
			continue
		}
		rate := 0.0
		if l.res.CPU > 0 {
			rate = float64(l.res.Rows) / l.res.CPU
		}
		fmt.Fprintf(&w, "%-5s %-38s %8.2f %8.2f %11.0f %6.0f MB", l.file, label, l.res.Seconds, l.res.CPU, rate, float64(l.res.PeakKB)/1024)
		if l.res.Rows != n {
			fmt.Fprintf(&w, "  (%d rows!)", l.res.Rows)
		}
		fmt.Fprintln(&w)
	}
	fmt.Fprintf(&w, "\nTargets (CPU time)\n")
	ratio := func(a, b benchResult) (float64, bool) {
		if a.Err != "" || b.Err != "" || a.CPU == 0 || b.CPU == 0 {
			return 0, false
		}
		return a.CPU / b.CPU, true
	}
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	for _, file := range []string{"XLSX", "XLSXs"} {
		if _, ok := get[file+"/parse (ingest --dry-run)"]; !ok {
			continue
		}
		for _, what := range []string{"parse (ingest --dry-run)", loadLabel(DefaultLoader)} {
			if r, ok := ratio(get[file+"/pandas.read_excel (openpyxl)"], get[file+"/"+what]); ok {
				fmt.Fprintf(&w, "  %-5s %-28s %6.2f× the speed of pandas.read_excel   (target ≥ 3×: %s)\n", file, what, r, verdict(r >= 3))
			}
		}
		for _, what := range []string{"parse (ingest --dry-run)", loadLabel(DefaultLoader)} {
			if r, ok := ratio(get[file+"/"+what], get[file+"/excelize Rows() raw read"]); ok {
				fmt.Fprintf(&w, "  %-5s %-28s %6.2f× the time of excelize Rows()      (target ≤ 1.5×: %s)\n", file, what, r, verdict(r <= 1.5))
			}
		}
		var peaks []string
		for _, what := range []string{"parse (ingest --dry-run)", loadLabel(LoaderAppender), loadLabel(LoaderArrow), "parse+load, default, DuckDB 256MB"} {
			if r := get[file+"/"+what]; r.Err == "" && r.PeakKB > 0 {
				peaks = append(peaks, fmt.Sprintf("%s %.0f MB %s", what, float64(r.PeakKB)/1024, verdict(r.PeakKB < 300*1024)))
			}
		}
		fmt.Fprintf(&w, "  %-5s peak RSS (target < 300 MB): %s\n", file, strings.Join(peaks, "; "))
	}
	for _, what := range []string{"parse (ingest --dry-run)", loadLabel(DefaultLoader)} {
		if r, ok := ratio(get["CSV/pandas.read_csv"], get["CSV/"+what]); ok {
			fmt.Fprintf(&w, "  CSV  %-28s %6.2f× the speed of pandas.read_csv     (for reference: pandas' C tokenizer\n", what, r)
			fmt.Fprintf(&w, "       %-28s %6s  neither parses Indonesian numbers and dates nor validates)\n", "", "")
		}
	}
	return w.String()
}

// loadLabel names a parse+load line by loader, marking the default.
func loadLabel(l Loader) string {
	name := map[Loader]string{LoaderAppender: "Appender", LoaderArrow: "Arrow"}[l]
	if l == DefaultLoader {
		name += " (default)"
	}
	return "parse+load, " + name
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// TestBenchChild is one measurement of BenchmarkIngest200k or BenchmarkXLSXStream, run in a process
// of its own; it does nothing in a normal test run.
func TestBenchChild(t *testing.T) {
	mode := os.Getenv(benchChildEnv)
	if mode == "" {
		t.Skip("run by BenchmarkIngest200k")
	}
	path := os.Getenv("PANTAU_BENCH_FILE")
	var res benchResult
	var err error
	switch mode {
	case "excelize":
		res, err = benchExcelizeRaw(path)
	case "stream": // BenchmarkXLSXStream
		res, err = benchXLSXStream(path)
	case "stream-stdflate":
		xlsxInflater = nil
		res, err = benchXLSXStream(path)
	case "csv":
		res, err = benchCSVRaw(path)
	case "init":
		var ws *workspace.Workspace
		if ws, _, err = workspace.Init(context.Background(), os.Getenv("PANTAU_BENCH_WS"), "32.76", "", nil); err == nil {
			err = ws.Close()
		}
	case "parse", "load", "load-arrow", "load-appender", "load-256mb":
		res, err = benchPantau(mode, path)
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		res.Err = err.Error()
	}
	if st, err := os.ReadFile("/proc/self/status"); err == nil {
		res.PeakKB = procStatusKB(string(st), "VmHWM:")
	}
	j, _ := json.Marshal(res)
	fmt.Printf("BENCH %s\n", j)
}

// benchExcelizeRaw is the floor for reading an XLSX in Go: excelize's Rows iterator with raw values,
// every row's cells materialised, nothing else.
func benchExcelizeRaw(path string) (benchResult, error) {
	m := startMeter()
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true})
	if err != nil {
		return benchResult{}, err
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetList()[0])
	if err != nil {
		return benchResult{}, err
	}
	n := 0
	for rows.Next() {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return benchResult{}, err
		}
		if len(cols) == len(benchHeader) {
			n++
		}
	}
	if err := rows.Close(); err != nil {
		return benchResult{}, err
	}
	return m.result(n - 1), nil // minus the header row
}

func benchCSVRaw(path string) (benchResult, error) {
	m := startMeter()
	f, err := os.Open(path)
	if err != nil {
		return benchResult{}, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.Comma = ';'
	r.ReuseRecord = true
	n := -1 // the header
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return benchResult{}, err
		}
		n++
	}
	return m.result(n), nil
}

func benchPantau(mode, path string) (benchResult, error) {
	ctx := context.Background()
	dir := os.Getenv("PANTAU_BENCH_WS") // made by the "init" child
	ws, err := workspace.Open(ctx, dir, false, nil)
	if err != nil {
		return benchResult{}, err
	}
	if mode == "load-256mb" {
		// warehouse.memory_limit in pantau.toml (default 4GB), applied to every connection at open
		ws.Close()
		toml := filepath.Join(dir, "pantau.toml")
		b, err := os.ReadFile(toml)
		if err != nil {
			return benchResult{}, err
		}
		b = []byte(strings.Replace(string(b), `memory_limit = "4GB"`, `memory_limit = "256MB"`, 1))
		if err := os.WriteFile(toml, b, 0o644); err != nil {
			return benchResult{}, err
		}
		if ws, err = workspace.Open(ctx, dir, false, nil); err != nil {
			return benchResult{}, err
		}
		if ws.Config.Warehouse.MemoryLimit != "256MB" {
			return benchResult{}, fmt.Errorf("memory_limit not set: %q", ws.Config.Warehouse.MemoryLimit)
		}
	}
	defer ws.Close()
	opt := Options{DryRun: mode == "parse"}
	switch mode {
	case "load-appender":
		opt.Loader = LoaderAppender
	case "load-arrow":
		opt.Loader = LoaderArrow
	}
	m := startMeter()
	sum, err := IngestFile(ctx, ws, path, opt)
	if err != nil {
		return benchResult{}, err
	}
	res := m.result(sum.Accepted)
	if sum.Quarantined > 0 {
		res.Err = fmt.Sprintf("%d rows quarantined, e.g. %s", sum.Quarantined, sum.Problems[0])
	}
	return res, nil
}

// pandasScript reads the file as pandas users do and reports like TestBenchChild.
const pandasScript = `import json, resource, sys, time
try:
    import pandas as pd
except ImportError as e:
    print("BENCH " + json.dumps({"error": "pandas not installed (apt-get install python3-pandas python3-openpyxl): %s" % e}))
    sys.exit(0)
path = sys.argv[1]
start, cpu = time.perf_counter(), time.process_time()
try:
    if path.endswith(".xlsx"):
        df = pd.read_excel(path, header=2)
    else:
        df = pd.read_csv(path, sep=";")
except Exception as e:
    print("BENCH " + json.dumps({"error": "%s: %s" % (type(e).__name__, e)}))
    sys.exit(0)
secs, cpu = time.perf_counter() - start, time.process_time() - cpu
print("BENCH " + json.dumps({"rows": len(df), "seconds": secs, "cpu_seconds": cpu,
      "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
`
