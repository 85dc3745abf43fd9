package transform

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/scoring"
	"github.com/pantau-koperasi/pantau/scoring/kesehatan"
	"github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
)

// Benchmarks at 2,000 / 20,000 / 130,000 cooperatives × 10 tahun buku (130,000 is the national count).
// Target on a 2-core machine: the national scale under 60 s and under 4 GB peak RSS.
//
//	go test -run '^$' -bench 'Transform|Score' -benchtime 1x ./transform
//
// BENCH_SIZES=2000,20000 limits the sizes (the 130k case takes minutes to generate and run).

const (
	targetSeconds = 60.0
	targetMB      = 4096.0
)

func benchSizes() []int {
	s := os.Getenv("BENCH_SIZES")
	if s == "" {
		return []int{2000, 20000, 130000}
	}
	var out []int
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// generate fills raw.laporan and ops.submissions with n cooperatives × 10 tahun buku (2015–2024), one
// file per group of ~250 cooperatives per year as kabupaten offices send them, plus a correction file
// per year re-sending every 20th cooperative (so supersession is exercised). Pure DuckDB SQL: seconds,
// not the hours spreadsheets would take.
func generate(b *testing.B, ws *workspace.Workspace, n int) {
	b.Helper()
	ctx := context.Background()
	groups := (n + 249) / 250
	// the number of desa is bound as a value: a subquery in the join condition turns the hash join into
	// a nested loop over 83,000 desa
	var ndesa int64
	if err := ws.WH.DB().QueryRow(`SELECT count(*) FROM core.wilayah WHERE level = 4`).Scan(&ndesa); err != nil {
		b.Fatal(err)
	}
	err := ws.WH.Write(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`CREATE TEMP TABLE desa AS SELECT kode, row_number() OVER (ORDER BY kode) - 1 AS rn FROM core.wilayah WHERE level = 4`,
			`CREATE TEMP TABLE gen AS
			 SELECT i, y, (hash(i) % 1000000)::BIGINT AS h,
			        lpad((3200000000000000 + i)::VARCHAR, 16, '0') AS nik,
			        ['simpan_pinjam', 'konsumen', 'produsen', 'pemasaran', 'jasa', 'serba_usaha', 'simpan_pinjam_syariah'][i % 7 + 1] AS jenis,
			        d.kode AS kode_wilayah
			 FROM range($1) t(i), range(2015, 2025) u(y)
			 JOIN desa d ON d.rn = i % $2
			 WHERE make_date(1985 + (i % 40)::INTEGER, 1, 1) <= make_date(y, 12, 31)`,
		} {
			var args []any
			if strings.Contains(q, "$1") {
				args = []any{n, ndesa}
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return fmt.Errorf("%.60s: %w", q, err)
			}
		}
		cols := `submission_id, sheet, row_number, nik, nama_koperasi, nomor_badan_hukum, tanggal_badan_hukum, bentuk, jenis, kelompok, kode_wilayah,
			tahun_buku, tanggal_rat, anggota_pria, anggota_wanita, jumlah_anggota, jumlah_karyawan, simpanan_pokok, simpanan_wajib, dana_cadangan, hibah,
			modal_sendiri, modal_luar, total_aset, volume_usaha, shu, pinjaman_diberikan, pinjaman_macet, manajemen_umum_ya, kelembagaan_ya`
		vals := `'Laporan', (i // $1 + 2)::INTEGER, nik, 'Koperasi ' || i, 'AHU-' || i, make_date(1985 + (i % 40)::INTEGER, 1, 1), 'primer', jenis, 'lainnya', kode_wilayah,
			y, CASE WHEN h % 5 <> 0 THEN make_date(y + 1, 3, 1 + (h % 28)::INTEGER) END,
			(20 + h % 400 + (y - 2015) * 3) * 6 // 10, (20 + h % 400 + (y - 2015) * 3) - (20 + h % 400 + (y - 2015) * 3) * 6 // 10, 20 + h % 400 + (y - 2015) * 3, h % 12,
			(1000000 + h * 10)::DECIMAL(18,2), (5000000 + h * 40)::DECIMAL(18,2), (h * 5)::DECIMAL(18,2), 0,
			(6000000 + h * 55)::DECIMAL(18,2), (h * 30)::DECIMAL(18,2), ((6000000 + h * 55) * (1.5 + (y - 2015) * 0.05))::DECIMAL(18,2),
			(h * 70)::DECIMAL(18,2), (h * 3 - 200000)::DECIMAL(18,2),
			CASE WHEN jenis LIKE 'simpan%' THEN (h * 60)::DECIMAL(18,2) END, CASE WHEN jenis LIKE 'simpan%' THEN (h)::DECIMAL(18,2) END, 9, 5`
		if _, err := tx.ExecContext(ctx, `INSERT INTO raw.laporan (`+cols+`) SELECT (y - 2015) * $1 + i % $1 + 1, `+vals+` FROM gen`, groups); err != nil {
			return fmt.Errorf("raw.laporan: %w", err)
		}
		// corrections: the same rows, SHU restated
		if _, err := tx.ExecContext(ctx, `INSERT INTO raw.laporan (`+cols+`) SELECT 10 * $1 + (y - 2015) + 1, `+strings.NewReplacer("(h * 3 - 200000)", "(h * 3 - 100000)", "(i // $1 + 2)", "(i // 20 + 2)").Replace(vals)+
			` FROM gen WHERE i % 20 = 0`, groups); err != nil {
			return fmt.Errorf("raw.laporan koreksi: %w", err)
		}
		// one submission per file, with the row count of what it holds:
		// regular files id = (year - 2015) * groups + group + 1, then one correction file per year
		if _, err := tx.ExecContext(ctx, `INSERT INTO ops.submissions (id, source, kind, filename, sha256, received_at, rows_total, rows_accepted, status)
			SELECT submission_id, 'inbox', 'laporan',
				CASE WHEN submission_id <= 10 * $1 THEN 'laporan_' || y || '_kelompok_' || g || '.xlsx' ELSE 'koreksi_' || y || '.xlsx' END,
				md5(submission_id::VARCHAR),
				CASE WHEN submission_id <= 10 * $1 THEN make_timestamp(y + 1, 3, 1, 0, 0, 0) + to_minutes(g) ELSE make_timestamp(y + 1, 5, 1, 0, 0, 0) END,
				c, c, 'diterima'
			FROM (SELECT submission_id, count(*) AS c,
					CASE WHEN submission_id <= 10 * $1 THEN 2015 + (submission_id - 1) // $1 ELSE 2015 + submission_id - 10 * $1 - 1 END AS y,
					(submission_id - 1) % $1 AS g
				FROM raw.laporan GROUP BY submission_id)`, groups); err != nil {
			return fmt.Errorf("ops.submissions: %w", err)
		}
		_, err := tx.ExecContext(ctx, `DROP TABLE gen; DROP TABLE desa`)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := ws.WH.DB().Exec(`CHECKPOINT`); err != nil {
		b.Fatal(err)
	}
}

// resetPeak resets the kernel's peak-RSS counter of this process (VmHWM), so the figure is the run's.
func resetPeak() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakMB is this process's peak resident set since resetPeak: DuckDB's memory included, which Go's
// own allocation counters do not see.
func peakMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return -1
}

func benchWS(b *testing.B, n int) *workspace.Workspace {
	b.Helper()
	dir := b.TempDir()
	if keep := os.Getenv("BENCH_KEEP"); keep != "" { // keep the workspace to inspect it afterwards
		dir = fmt.Sprintf("%s/%d", keep, n)
	}
	ws, _, err := workspace.Init(context.Background(), dir, "", "", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	start := time.Now()
	generate(b, ws, n)
	var rows int64
	ws.WH.DB().QueryRow(`SELECT count(*) FROM raw.laporan`).Scan(&rows)
	b.Logf("generated %d cooperatives: %d raw rows in %.1f s", n, rows, time.Since(start).Seconds())
	return ws
}

// cpuSeconds is the user + system CPU time of this process so far. The machine is shared, so wall time
// alone overstates the cost; CPU time ÷ cores is what an idle machine would take at best.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func report(b *testing.B, what string, n int, d time.Duration, cpu, mb float64) {
	b.ReportMetric(d.Seconds(), "s/run")
	b.ReportMetric(cpu, "cpu-s/run")
	b.ReportMetric(mb, "peak-MB")
	line := fmt.Sprintf("%s %7d koperasi × 10 tahun: %6.1f s wall, %6.1f s CPU, peak RSS %6.0f MB (load avg %s) | target (national): < %.0f s, < %.0f MB",
		what, n, d.Seconds(), cpu, mb, loadAvg(), targetSeconds, targetMB)
	b.Log(line)
	fmt.Fprintln(os.Stderr, line)
}

func BenchmarkTransform(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("koperasi=%d", n), func(b *testing.B) {
			ws := benchWS(b, n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				resetPeak()
				cpu0 := cpuSeconds()
				start := time.Now()
				res, err := Run(context.Background(), ws, nil)
				if err != nil {
					b.Fatal(err)
				}
				d := time.Since(start)
				mb := peakMB()
				for _, r := range res {
					b.Logf("  %-28s %9d rows %6.2f s", r.Model, r.Rows, r.Duration.Seconds())
				}
				var rows, keys int64
				ws.WH.DB().QueryRow(`SELECT count(*), count(DISTINCT (nik, tahun_buku)) FROM core.laporan`).Scan(&rows, &keys)
				if rows != keys {
					b.Fatalf("core.laporan has %d rows for %d nik × tahun_buku", rows, keys)
				}
				report(b, "transform", n, d, cpuSeconds()-cpu0, mb)
			}
		})
	}
}

func BenchmarkScore(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("koperasi=%d", n), func(b *testing.B) {
			ws := benchWS(b, n)
			if _, err := Run(context.Background(), ws, nil); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				resetPeak()
				cpu0 := cpuSeconds()
				start := time.Now()
				res, err := scoring.Run(context.Background(), ws, time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), scoring.Keaktifan(), kesehatan.Stage(), tindaklanjut.Stage())
				if err != nil {
					b.Fatal(err)
				}
				d := time.Since(start)
				for _, r := range res {
					b.Logf("  %-28s %9d rows %6.2f s", r.Stage, r.Rows, r.Duration.Seconds())
				}
				report(b, "score", n, d, cpuSeconds()-cpu0, peakMB())
			}
		})
	}
}
