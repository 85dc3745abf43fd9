package schedules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/pantau-koperasi/pantau/internal/runs"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// ErrSkipped is returned by Run when the job was skipped (already running, or a stage it needs is not
// available in this build); the reason is in the error and in ops.job_runs.
var ErrSkipped = errSkipped

// ErrUnknownJob is returned for a job name that is not configured.
var ErrUnknownJob = errors.New("tugas tidak dikenal")

// Options of a Runner.
type Options struct {
	Missed MissedPolicy
	Grace  time.Duration
	// Now is the clock (UTC); nil means time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx is done; nil means a timer. Tests make retries instant with it.
	Sleep func(ctx context.Context, d time.Duration) error
	// Observe, when set, is told of every finished run (metrics).
	Observe func(job, status string, d time.Duration)
}

// Result of one job run.
type Result struct {
	ID       int64
	Status   runs.Status
	Attempts int
	Duration time.Duration
}

// Runner runs jobs: one at a time across all jobs (the writer lock), never the same job twice at
// once, with panic recovery, retries and a record of everything in the warehouse.
type Runner struct {
	ws   *workspace.Workspace
	jobs map[string]*Job
	opt  Options
	log  *slog.Logger
	loc  *time.Location // the office's zone, for messages

	// writer is the global writer lock: a channel of capacity one so that waiting for it can be
	// abandoned when a context ends (sync.Mutex cannot), and so the web upload can TryLock it.
	writer chan struct{}

	mu      sync.Mutex
	running map[string]time.Time

	wg     sync.WaitGroup
	base   context.Context
	cancel context.CancelFunc
	sched  Scheduler
}

// NewRunner prepares the jobs; nothing runs until Start or Run.
func NewRunner(ws *workspace.Workspace, jobs []*Job, opt Options) *Runner {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Sleep == nil {
		opt.Sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	base, cancel := context.WithCancel(context.Background())
	r := &Runner{ws: ws, jobs: map[string]*Job{}, opt: opt, log: ws.Log.With("component", "schedules"), loc: ws.Config.Location(),
		writer: make(chan struct{}, 1), running: map[string]time.Time{}, base: base, cancel: cancel}
	for _, j := range jobs {
		r.jobs[j.Name] = j
	}
	return r
}

func (r *Runner) now() time.Time { return r.opt.Now().UTC() }

// Jobs lists the configured jobs by name.
func (r *Runner) Jobs() []*Job {
	out := make([]*Job, 0, len(r.jobs))
	for _, j := range r.jobs {
		out = append(out, j)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// Running returns the jobs running now and since when.
func (r *Runner) Running() map[string]time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]time.Time, len(r.running))
	for k, v := range r.running {
		out[k] = v
	}
	return out
}

// Next is the next scheduled activation of a job (zero before Start).
func (r *Runner) Next(name string) time.Time {
	if r.sched == nil {
		return time.Time{}
	}
	return r.sched.Next(name)
}

// LockWriter waits for the global writer lock (or ctx) and returns its release.
func (r *Runner) LockWriter(ctx context.Context) (func(), error) {
	select {
	case r.writer <- struct{}{}:
		return func() { <-r.writer }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TryLockWriter takes the global writer lock if it is free. The upload page uses it: while a job
// runs, a confirmed upload is queued in the inbox instead of waiting behind it.
func (r *Runner) TryLockWriter() (func(), bool) {
	select {
	case r.writer <- struct{}{}:
		return func() { <-r.writer }, true
	default:
		return nil, false
	}
}

// Start closes runs a dead process left open, registers the jobs on sched, applies the missed-run
// policy (a made-up run starts in the background), and starts sched.
func (r *Runner) Start(ctx context.Context, sched Scheduler) error {
	if err := markInterrupted(ctx, r.ws.WH, r.now()); err != nil {
		return fmt.Errorf("menutup catatan tugas yang terputus: %w", err)
	}
	states, err := States(ctx, r.ws.WH)
	if err != nil {
		return fmt.Errorf("membaca status tugas: %w", err)
	}
	r.sched = sched
	for _, j := range r.Jobs() {
		name := j.Name
		sched.Add(name, j.Schedule, func(at time.Time) { r.goRun(name, ByScheduler, at) })
		m := DecideMissed(j.Schedule, states[name].LastStarted, r.now().In(r.loc), r.opt.Grace, r.opt.Missed)
		switch {
		case m.Run:
			r.log.Info("missed run made up", "job", name, "due", m.Due, "missed", m.Count, "reason", m.Reason)
			r.goRun(name, ByCatchUp, m.Due)
		case m.Count > 0:
			r.log.Warn("missed run skipped", "job", name, "due", m.Due, "missed", m.Count, "reason", m.Reason)
			if err := recordSkip(ctx, r.ws.WH, name, ByCatchUp, m.Due, r.now(), m.Reason); err != nil {
				return err
			}
		default:
			r.log.Debug("no missed run", "job", name, "reason", m.Reason)
		}
	}
	sched.Start()
	return nil
}

func (r *Runner) goRun(name string, tr Trigger, at time.Time) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		if _, err := r.Run(r.base, name, tr, at); err != nil && !errors.Is(err, ErrSkipped) {
			r.log.Error("job failed", "job", name, "trigger", tr.String(), "err", err)
		}
	}()
}

// Go starts a job in the background (the web page's "run now"); it is tracked like a scheduled run
// and so is waited for (or cancelled) by Shutdown.
func (r *Runner) Go(name string, tr Trigger) error {
	if _, ok := r.jobs[name]; !ok {
		return fmt.Errorf("%w: %q", ErrUnknownJob, name)
	}
	r.goRun(name, tr, time.Time{})
	return nil
}

// SetObserve sets the hook told of every finished run (the server's metrics).
func (r *Runner) SetObserve(fn func(job, status string, d time.Duration)) { r.opt.Observe = fn }

// Run runs one job now and waits for it. ctx and the Runner's own lifetime (Shutdown) both cancel it.
func (r *Runner) Run(ctx context.Context, name string, tr Trigger, scheduled time.Time) (Result, error) {
	j, ok := r.jobs[name]
	if !ok {
		return Result{}, fmt.Errorf("%w: %q", ErrUnknownJob, name)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(r.base, cancel)
	defer stop()

	// Skip-if-running, per job.
	r.mu.Lock()
	adm := DecideOverlap(r.running[name], r.now().In(r.loc))
	if adm.Run {
		r.running[name] = r.now()
	}
	r.mu.Unlock()
	if !adm.Run {
		return r.skip(ctx, j, tr, scheduled, adm.Reason)
	}
	defer func() {
		r.mu.Lock()
		delete(r.running, name)
		r.mu.Unlock()
	}()
	for _, s := range j.Stages {
		if s.Run == nil {
			return r.skip(ctx, j, tr, scheduled, fmt.Sprintf("tahap %s belum tersedia di versi ini", s.Name))
		}
	}

	// One job at a time on the warehouse.
	release, ok := r.TryLockWriter()
	if !ok {
		r.log.Info("job waits for the writer lock", "job", name)
		var err error
		if release, err = r.LockWriter(ctx); err != nil {
			return r.skip(context.WithoutCancel(ctx), j, tr, scheduled, "dibatalkan sebelum mulai: "+err.Error())
		}
	}
	defer release()

	start := r.now()
	id, err := beginRun(ctx, r.ws.WH, name, tr, scheduled, start)
	if err != nil {
		return Result{}, fmt.Errorf("mencatat mulainya tugas %s: %w", name, err)
	}
	r.log.Info("job started", "job", name, "trigger", tr.String(), "run", id)
	attempts := 0
	var runErr error
	for {
		attempts++
		runErr = r.attempt(ctx, j)
		if runErr == nil || ctx.Err() != nil {
			break
		}
		d, again := DecideRetry(j.Retry, attempts)
		if !again {
			break
		}
		r.log.Warn("job failed, retrying", "job", name, "attempt", attempts, "wait", d, "err", runErr)
		if err := r.opt.Sleep(ctx, d); err != nil {
			break
		}
	}
	status, msg := StatusSucceeded, ""
	switch {
	case runErr != nil && ctx.Err() != nil:
		status, msg = StatusCancelled, "dibatalkan: "+runErr.Error()
	case runErr != nil:
		status, msg = StatusFailed, runErr.Error()
	}
	end := r.now()
	res := Result{ID: id, Status: status, Attempts: attempts, Duration: end.Sub(start)}
	if err := finishRun(context.WithoutCancel(ctx), r.ws.WH, id, name, status, attempts, msg, end); err != nil {
		runErr = errors.Join(runErr, err)
	}
	if r.opt.Observe != nil {
		r.opt.Observe(name, status.String(), res.Duration)
	}
	r.log.Info("job finished", "job", name, "run", id, "status", status, "attempts", attempts, "duration", res.Duration)
	if runErr != nil {
		return res, fmt.Errorf("tugas %s: %w", name, runErr)
	}
	return res, nil
}

func (r *Runner) skip(ctx context.Context, j *Job, tr Trigger, scheduled time.Time, reason string) (Result, error) {
	r.log.Warn("job skipped", "job", j.Name, "trigger", tr.String(), "reason", reason)
	if err := recordSkip(context.WithoutCancel(ctx), r.ws.WH, j.Name, tr, scheduled, r.now(), reason); err != nil {
		return Result{Status: StatusSkipped}, errors.Join(fmt.Errorf("%w: %s", ErrSkipped, reason), err)
	}
	if r.opt.Observe != nil {
		r.opt.Observe(j.Name, StatusSkipped.String(), 0)
	}
	return Result{Status: StatusSkipped}, fmt.Errorf("%w: %s", ErrSkipped, reason)
}

// attempt runs the job's stages once, in order, stopping at the first failure. A panicking stage
// becomes that stage's error (recorded in ops.runs), never a dead server.
func (r *Runner) attempt(ctx context.Context, j *Job) error {
	for _, s := range j.Stages {
		if err := runs.One(ctx, r.ws, j.Name, s.Name, recovered(s.Run)); err != nil {
			return err
		}
	}
	return nil
}

func recovered(fn runs.Func) runs.Func {
	return func(ctx context.Context, ws *workspace.Workspace) (n int64, err error) {
		defer func() {
			if p := recover(); p != nil {
				ws.Log.Error("stage panicked", "panic", p, "stack", string(debug.Stack()))
				err = fmt.Errorf("panik: %v", p)
			}
		}()
		return fn(ctx, ws)
	}
}

// Shutdown stops new ticks and lets running jobs finish until ctx ends; then it cancels them and
// waits for them to record how they ended. The warehouse is the caller's to close afterwards.
func (r *Runner) Shutdown(ctx context.Context) error {
	var stopped context.Context
	if r.sched != nil {
		stopped = r.sched.Stop()
	}
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		r.log.Warn("shutdown: cancelling running jobs", "running", r.Running())
		err = fmt.Errorf("tugas yang berjalan dibatalkan saat berhenti: %w", ctx.Err())
		r.cancel()
		<-done
	}
	r.cancel()
	if stopped != nil {
		<-stopped.Done()
	}
	return err
}
