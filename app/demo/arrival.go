package demo

import (
	"context"
	"database/sql"
	"hash/fnv"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// The demo replays five tahun buku of reports in one run, so every file would otherwise arrive
// "today" — after every deadline — and the on-time measures (reporting_rate_on_time, the rubric
// indicator "laporan tepat waktu") would read zero. backdate gives each report file the arrival day
// such a file would have had: most in the first half of the following year (before the default
// six-month deadline), about a quarter later in that year. Deterministic per seed and file name.
// Compromise, named honestly: this rewrites ops.submissions.received_at of the demo's own
// submissions, which real ingest never does.

var reportFile = regexp.MustCompile(`^laporan_(\d{4})_`)

// arrival is the simulated arrival time of a report file for tahun buku y (never after now).
func arrival(name string, y int, seed uint64, now time.Time) time.Time {
	h := fnv.New64a()
	h.Write([]byte(name))
	h.Write([]byte(strconv.FormatUint(seed, 10)))
	v := h.Sum64()
	start := time.Date(y+1, time.January, 15, 0, 0, 0, 0, time.UTC)
	days := int(v % 150) // 15 Jan – mid June: on time
	if v%4 == 0 {
		days = 170 + int((v>>8)%170) // July – December: late
	}
	t := start.AddDate(0, 0, days).Add(time.Duration((v>>16)%(8*3600)) * time.Second).Add(8 * time.Hour)
	if t.After(now) {
		t = now
	}
	return t
}

// backdate sets received_at of the demo's report submissions (matched by file name) to their
// simulated arrival.
func backdate(ctx context.Context, ws *workspace.Workspace, files []string, seed uint64, now time.Time) error {
	return ws.WH.Write(ctx, func(tx *sql.Tx) error {
		for _, f := range files {
			name := filepath.Base(f)
			m := reportFile.FindStringSubmatch(name)
			if m == nil {
				continue
			}
			y, _ := strconv.Atoi(m[1])
			if _, err := tx.ExecContext(ctx, `UPDATE ops.submissions SET received_at = ? WHERE filename = ?`, arrival(name, y, seed, now), name); err != nil {
				return err
			}
		}
		return nil
	})
}
