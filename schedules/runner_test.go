package schedules

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/internal/runs"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// These tests give the jobs stages (pull, inbox, transform …) whose functions block, fail or panic
// on cue; the Runner, the warehouse and its tables are real.

func newWS(t *testing.T) *workspace.Workspace {
	t.Helper()
	ws, _, err := workspace.Init(context.Background(), filepath.Join(t.TempDir(), "ws"), "32", "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func query[T any](t *testing.T, ws *workspace.Workspace, q string, args ...any) T {
	t.Helper()
	var v T
	if err := ws.WH.DB().QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

func job(name string, st runs.Stage) *Job {
	return &Job{Name: name, Stages: []runs.Stage{st}, Schedule: mustSpecNoT("0 1 * * *")}
}

func mustSpecNoT(spec string) Schedule {
	s, err := ParseSpec(spec, jakarta)
	if err != nil {
		panic(err)
	}
	return s
}

// A tick for a job that is still running is skipped and the skip is recorded; another job waits for
// the writer lock and starts only after the first has finished: stages never overlap.
func TestOverlapSkipAndWriterLock(t *testing.T) {
	ws := newWS(t)
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	pull := runs.Stage{Name: "pull", Run: func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
		started <- struct{}{}
		<-release
		return 7, nil
	}}
	inbox := runs.Stage{Name: "inbox", Run: func(ctx context.Context, ws *workspace.Workspace) (int64, error) { return 1, nil }}
	r := NewRunner(ws, []*Job{job("slow", pull), job("other", inbox)}, Options{})
	ctx := context.Background()

	var wg sync.WaitGroup
	var slowErr, otherErr error
	wg.Add(1)
	go func() { defer wg.Done(); _, slowErr = r.Run(ctx, "slow", ByScheduler, time.Time{}) }()
	<-started
	// Same job again while it runs: skipped.
	if _, err := r.Run(ctx, "slow", ByScheduler, time.Time{}); !errors.Is(err, ErrSkipped) || !strings.Contains(err.Error(), "masih berjalan") {
		t.Fatalf("second run of a running job: %v, want a skip", err)
	}
	// Another job: must wait for the writer lock.
	wg.Add(1)
	go func() { defer wg.Done(); _, otherErr = r.Run(ctx, "other", ByHand, time.Time{}) }()
	time.Sleep(300 * time.Millisecond)
	if got := query[int](t, ws, `SELECT count(*) FROM ops.job_runs WHERE job = 'other'`); got != 0 {
		t.Fatalf("the other job started while the writer lock was held (%d runs)", got)
	}
	close(release)
	wg.Wait()
	if slowErr != nil || otherErr != nil {
		t.Fatal(slowErr, otherErr)
	}
	if n := query[int](t, ws, `SELECT count(*) FROM ops.job_runs WHERE job = 'slow' AND status = 'skipped' AND message LIKE '%masih berjalan%'`); n != 1 {
		t.Fatalf("skip not recorded: %d", n)
	}
	// The other job's first stage started after the slow job's stage finished.
	if ok := query[bool](t, ws, `SELECT (SELECT min(started_at) FROM ops.runs WHERE job = 'other') >= (SELECT max(finished_at) FROM ops.runs WHERE job = 'slow')`); !ok {
		t.Fatal("stages of two jobs overlapped")
	}
	if n := query[int64](t, ws, `SELECT rows FROM ops.runs WHERE job = 'slow' AND stage = 'pull'`); n != 7 {
		t.Fatalf("rows of the stage run: %d, want 7", n)
	}
}

// A panicking stage becomes a failed run with the panic in ops.runs; the process lives on.
func TestPanicRecovered(t *testing.T) {
	ws := newWS(t)
	transform := runs.Stage{Name: "transform", Run: func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
		var m map[string]int
		m["x"]++ // nil map write
		return 0, nil
	}}
	r := NewRunner(ws, []*Job{job("boom", transform)}, Options{})
	res, err := r.Run(context.Background(), "boom", ByHand, time.Time{})
	if err == nil || !strings.Contains(err.Error(), "panik") || res.Status != StatusFailed {
		t.Fatalf("got %+v %v", res, err)
	}
	if e := query[string](t, ws, `SELECT error FROM ops.runs WHERE job = 'boom'`); !strings.Contains(e, "panik: assignment to entry in nil map") {
		t.Fatalf("ops.runs error: %q", e)
	}
	if s := query[string](t, ws, `SELECT last_status FROM ops.job_state WHERE job = 'boom'`); s != "failed" {
		t.Fatalf("job_state %q", s)
	}
}

// A pull that fails twice is retried after 1 and 2 minutes (fake clock) and then succeeds; every
// attempt is a stage run in ops.runs.
func TestPullRetries(t *testing.T) {
	ws := newWS(t)
	var calls atomic.Int32
	pull := runs.Stage{Name: "pull", Run: func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
		if calls.Add(1) < 3 {
			return 0, errors.New("HTTP 503 dari sumber")
		}
		return 12, nil
	}}
	var waits []time.Duration
	j := job("pull", pull)
	j.Retry = RetryPolicy{Retries: 3, Base: time.Minute, Max: time.Hour}
	r := NewRunner(ws, []*Job{j}, Options{Sleep: func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }})
	res, err := r.Run(context.Background(), "pull", ByScheduler, time.Time{})
	if err != nil || res.Status != StatusSucceeded || res.Attempts != 3 {
		t.Fatalf("got %+v %v", res, err)
	}
	if len(waits) != 2 || waits[0] != time.Minute || waits[1] != 2*time.Minute {
		t.Fatalf("waits %v, want [1m 2m]", waits)
	}
	if got := query[string](t, ws, `SELECT string_agg(status, ',' ORDER BY id) FROM ops.runs WHERE job = 'pull'`); got != "failed,failed,succeeded" {
		t.Fatalf("stage runs %s", got)
	}
	// Out of retries: failed, with the last error.
	calls.Store(-10)
	waits = nil
	res, err = r.Run(context.Background(), "pull", ByScheduler, time.Time{})
	if err == nil || res.Status != StatusFailed || res.Attempts != 4 || len(waits) != 3 {
		t.Fatalf("got %+v %v waits %v", res, err, waits)
	}
}

type fakeSched struct{ added []string }

func (f *fakeSched) Add(name string, s Schedule, fn func(time.Time)) { f.added = append(f.added, name) }
func (f *fakeSched) Next(string) time.Time                           { return time.Time{} }
func (f *fakeSched) Start()                                          {}
func (f *fakeSched) Stop() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// At start-up, with the last runs persisted: the nightly job missed 2 hours ago is run once
// (trigger susulan); the sweep missed beyond the grace period is skipped, and the skip is recorded;
// a run left "running" by a killed process is closed as failed.
func TestStartMissedRuns(t *testing.T) {
	ws := newWS(t)
	var ran atomic.Int32
	transform := runs.Stage{Name: "transform", Run: func(ctx context.Context, ws *workspace.Workspace) (int64, error) { ran.Add(1); return 0, nil }}
	score := runs.Stage{Name: "score", Run: func(ctx context.Context, ws *workspace.Workspace) (int64, error) { ran.Add(100); return 0, nil }}
	now := utc("2026-11-24T20:00:00Z") // nightly slot was 18:00 UTC
	err := ws.WH.Write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO ops.job_state (job, last_started_at, last_status) VALUES
			('nightly', '2026-11-23 18:00:00+00', 'succeeded'), ('sweep', '2026-11-01 23:00:00+00', 'succeeded');
			INSERT INTO ops.job_runs (job, trigger, started_at, status) VALUES ('nightly', 'jadwal', '2026-11-23 18:00:00+00', 'running')`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	nightly := job("nightly", transform)
	sweep := job("sweep", score)
	sweep.Schedule = mustSpecNoT("0 6 * * 1") // Mondays 06:00 WIB = Sunday 23:00 UTC
	r := NewRunner(ws, []*Job{nightly, sweep}, Options{Now: func() time.Time { return now }, Grace: 12 * time.Hour})
	fs := &fakeSched{}
	if err := r.Start(context.Background(), fs); err != nil {
		t.Fatal(err)
	}
	if err := r.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ran.Load() != 1 {
		t.Fatalf("stage calls %d, want the nightly once and no sweep", ran.Load())
	}
	if got := query[string](t, ws, `SELECT trigger || ' ' || status || ' ' || strftime(scheduled_for::TIMESTAMP, '%Y-%m-%d %H:%M') FROM ops.job_runs WHERE job = 'nightly' AND trigger = 'susulan'`); got != "susulan succeeded 2026-11-24 18:00" {
		t.Fatalf("made-up run: %q", got)
	}
	// Sweep: last ran 1 Nov; slots on 8, 15 and 22 Nov (Sundays 23:00 UTC = Mondays 06:00 WIB); the last is 21 h ago.
	if got := query[string](t, ws, `SELECT status || ' ' || message FROM ops.job_runs WHERE job = 'sweep'`); !strings.HasPrefix(got, "skipped 3 jadwal terlewat (terakhir 2026-11-23 06:00 WIB), di luar masa tenggang") {
		t.Fatalf("sweep skip: %q", got)
	}
	if got := query[string](t, ws, `SELECT status FROM ops.job_runs WHERE job = 'nightly' AND trigger = 'jadwal'`); got != "failed" {
		t.Fatalf("interrupted run left as %q", got)
	}
	if len(fs.added) != 2 {
		t.Fatalf("jobs registered on the scheduler: %v", fs.added)
	}
}

// Shutdown gives a running job its grace, then cancels it; the run is recorded as cancelled.
func TestShutdownCancelsRunningJob(t *testing.T) {
	ws := newWS(t)
	started := make(chan struct{})
	publish := runs.Stage{Name: "publish", Run: func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
		close(started)
		<-ctx.Done()
		return 0, ctx.Err()
	}}
	r := NewRunner(ws, []*Job{job("long", publish)}, Options{})
	if err := r.Start(context.Background(), &fakeSched{}); err != nil {
		t.Fatal(err)
	}
	r.goRun("long", ByHand, time.Time{})
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := r.Shutdown(ctx); err == nil {
		t.Fatal("shutdown of a job that would not finish must report the cancellation")
	}
	if got := query[string](t, ws, `SELECT status FROM ops.job_runs WHERE job = 'long'`); got != "cancelled" {
		t.Fatalf("status %q", got)
	}
}
