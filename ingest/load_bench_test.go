package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkLoad measures the two ways parsed rows reach DuckDB on the same rows (20,000 rows × 13
// columns, plus raw.rows with the cells as JSON): DuckDB's Appender row by row, and Arrow record
// batches through an Arrow scan. The file is read once; each op validates and loads it (validation and
// writing are interleaved chunk by chunk, so they cannot be timed apart); wall clock (ns/op, rows/s)
// and the process' CPU time per op are reported. The figures are in ingest/README.md.
func BenchmarkLoad(b *testing.B) {
	const n = 20_000
	path := filepath.Join(b.TempDir(), "load.csv")
	if err := writeBenchCSV(path, n); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, l := range []Loader{LoaderAppender, LoaderArrow} {
		b.Run(l.String(), func(b *testing.B) {
			ws := newWS(b)
			batch, err := ReadFile(path, "load.csv", ws)
			if err != nil {
				b.Fatal(err)
			}
			var sum Summary
			if err := Process(ctx, ws, batch, Options{DryRun: true}, &sum); err != nil {
				b.Fatal(err)
			}
			if sum.Accepted != n {
				b.Fatalf("accepted %d of %d rows: %v", sum.Accepted, n, sum.Problems[:min(3, len(sum.Problems))])
			}
			b.ResetTimer()
			cpu0 := cpuSeconds()
			for i := 0; i < b.N; i++ {
				batch.SHA256 = fmt.Sprint("bench-", i)
				if err := Process(ctx, ws, batch, Options{Loader: l}, &Summary{}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			cpu := cpuSeconds() - cpu0
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
			// CPU time of the whole process (DuckDB's threads included): on a shared machine the
			// wall clock mostly measures the neighbours.
			b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
		})
	}
}

// Both loaders must store exactly the same thing: every column of raw.laporan and raw.rows, for clean
// rows and for a file with quarantined, duplicate and totals rows.
func TestLoadersAgree(t *testing.T) {
	dir := t.TempDir()
	clean := filepath.Join(dir, "bersih.csv")
	if err := writeBenchCSV(clean, 300); err != nil {
		t.Fatal(err)
	}
	messy := filepath.Join(dir, "campur.csv")
	if err := os.WriteFile(messy, []byte(strings.Join([]string{
		"NIK;Nama Koperasi;Tahun Buku;Jenis;Tanggal RAT;Anggota Pria;Anggota Wanita;Jumlah Anggota;Simpanan Pokok;SHU",
		"3276010100000001;KSP Maju;2024;KSP;15 Maret 2025;10;5;15;Rp 1.250.000,50;(1.500.000)",
		"3276010100000001;KSP Maju;2024;KSP;15 Maret 2025;10;5;15;Rp 1.250.000,50;(1.500.000)",
		"3276010100000002;Kopwan Melati;2024;Kopwan;;3;4;8;dua juta;-",
		"3276010100000003;KUD Tani;2024;KUD;2025-02-01;;;;Rp. 1,25 M;1,5 jt",
		"JUMLAH;;;;;13;9;23;;",
	}, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	dump := func(l Loader) []string {
		ws := newWS(t)
		var out []string
		for _, p := range []string{clean, messy} {
			ingest(t, ws, p, Options{Loader: l})
		}
		for _, q := range []string{
			`SELECT COLUMNS(c -> c <> 'submission_id')::VARCHAR FROM raw.laporan ORDER BY submission_id, sheet, row_number`,
			`SELECT * EXCLUDE (submission_id) FROM raw.rows ORDER BY submission_id, sheet, row_number`,
		} {
			for _, r := range rowsOf(t, ws, q) {
				out = append(out, strings.Join(r, "|"))
			}
		}
		return out
	}
	app, arr := dump(LoaderAppender), dump(LoaderArrow)
	if len(app) != 300+2+300+5 {
		t.Fatalf("appender stored %d rows, want 607 (raw.laporan 302, raw.rows 305)", len(app))
	}
	if len(app) != len(arr) {
		t.Fatalf("appender stored %d rows, arrow %d", len(app), len(arr))
	}
	for i := range app {
		if app[i] != arr[i] {
			t.Fatalf("row %d differs:\nappender %s\narrow    %s", i, app[i], arr[i])
		}
	}
}
