package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/marcboeker/go-duckdb"
)

// go-duckdb v1.8's RegisterView leaks on every call (see feeder). Loading thousands of small files
// through the Arrow path must nevertheless keep the Go heap flat: no reader, batch or record may stay
// reachable after its load (the first design, a view per load, kept ~1 KB per load; arrow's own
// array.NewRecordReader keeps its last record, ~60 KB per load here).
//
// Resident memory is logged and only bounded coarsely: it also grows as DuckDB's buffers and the C
// allocator's per-thread arenas fill. Measured on the development machine over loads 1,000–3,000:
// Appender ~15 KB per load, Arrow with the feeder ~30 KB per load (both decelerating), a view per load
// (the control below) ~60 KB per load more. The control's figure is logged, not asserted.
func TestArrowLoadMemoryFlat(t *testing.T) {
	ctx := context.Background()
	ws := newWS(t)
	path := filepath.Join(t.TempDir(), "kecil.csv")
	if err := writeBenchCSV(path, 10); err != nil {
		t.Fatal(err)
	}
	batch, err := ReadFile(path, "kecil.csv", ws)
	if err != nil {
		t.Fatal(err)
	}
	// The control below writes parsed records itself.
	rc := &rowContext{kind: batch.Kind, date1904: batch.Date1904, now: time.Now(), labels: batch.Labels}
	recs := make([]*Record, len(batch.Inputs))
	for i := range batch.Inputs {
		recs[i] = parseRow(&batch.Inputs[i], rc)
	}
	seq := 0
	load := func(n int) {
		for i := 0; i < n; i++ {
			seq++
			batch.SHA256 = fmt.Sprint("kecil-", seq)
			var sum Summary
			if err := Process(ctx, ws, batch, Options{Loader: LoaderArrow}, &sum); err != nil || sum.Accepted != 10 {
				t.Fatalf("load %d: %v, accepted %d", seq, err, sum.Accepted)
			}
		}
	}
	load(500) // warm up: DuckDB caches, sync.Pool, map growth
	h0, r0 := heapAfterGC(), rssKB(t)
	const files = 1500
	load(files)
	h1, r1 := heapAfterGC(), rssKB(t)
	heapPer := (float64(h1) - float64(h0)) / files
	rssPer := float64(r1-r0) * 1024 / files
	t.Logf("Arrow, views registered once: Go heap %d → %d KB, RSS %d → %d MB over %d loads (%.0f and %.0f bytes per load)",
		h0>>10, h1>>10, r0>>10, r1>>10, files, heapPer, rssPer)
	if heapPer > 256 {
		t.Errorf("Go heap grows %.0f bytes per load through the Arrow path; want ≤ 256", heapPer)
	}
	if rssPer > 48<<10 {
		t.Errorf("resident memory grows %.0f bytes per load through the Arrow path; want ≤ 48 KB", rssPer)
	}
	if n := count(t, ws, `SELECT count(*) FROM raw.laporan`); n != 10*(files+500) {
		t.Errorf("raw.laporan has %d rows, want %d", n, 10*(files+500))
	}

	// Control: a view per load, released and dropped after it, as go-duckdb documents RegisterView.
	perLoadView := func(n int) {
		err := ws.WH.WriteConn(ctx, func(conn *sql.Conn) error {
			for i := 0; i < n; i++ {
				seq++
				rd := newBatchReader(laporanSchema, fmt.Sprint("kontrol_", seq))
				var release func()
				err := conn.Raw(func(dc any) error {
					ar, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
					if err != nil {
						return err
					}
					release, err = ar.RegisterView(rd, rd.view)
					return err
				})
				if err != nil {
					return err
				}
				idx := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
				rd.load(idx, func(b *array.RecordBuilder, i int) {
					b.Field(0).(*array.Int64Builder).Append(-1)
					b.Field(1).(*array.StringBuilder).Append(recs[i].Sheet)
					b.Field(2).(*array.Int32Builder).Append(int32(recs[i].Row))
					for k, v := range recs[i].Values(nil) {
						appendValue(b.Field(3+k), v, fieldKinds[k])
					}
				})
				err = insertArrow(ctx, conn, rd, "raw.laporan")
				release()
				if err != nil {
					return err
				}
				if _, err := conn.ExecContext(ctx, "DROP VIEW "+rd.view); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	perLoadView(50)
	c0 := rssKB(t)
	const control = 300
	perLoadView(control)
	c1 := rssKB(t)
	ctlPer := float64(c1-c0) * 1024 / control
	t.Logf("control, a view per load: RSS %d → %d MB (%.0f bytes per load)", c0>>10, c1>>10, ctlPer)
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// rssKB is the resident set size of this process, from /proc (Linux).
func rssKB(t testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	return procStatusKB(string(b), "VmRSS:")
}

func procStatusKB(status, key string) int64 {
	for _, line := range strings.Split(status, "\n") {
		if strings.HasPrefix(line, key) {
			v, _ := strconv.ParseInt(strings.Fields(strings.TrimPrefix(line, key))[0], 10, 64)
			return v
		}
	}
	return 0
}
