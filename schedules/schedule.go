// Package schedules runs Pantau's jobs on a cron schedule inside `pantau serve`.
//
// robfig/cron only fires ticks: it sits behind the small Scheduler interface below, so it can be
// swapped for a maintained fork without touching the rest. Everything that needs judgement — whether a
// tick may run (skip-if-running), whether a run missed while the server was down is made up, how long
// to wait before retrying a pull — is a pure function in decide.go, tested with a fake clock. The
// Runner (runner.go) applies those decisions, holds one writer lock across all jobs, recovers panics
// and records every run and every skip (ops.job_runs, ops.runs, ops.job_state).
package schedules

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule gives the next activation strictly after t (zero time: never).
type Schedule interface {
	Next(t time.Time) time.Time
}

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSpec reads a 5-field cron spec (or @daily, @every 10m …) in loc. The zone is pinned into the
// schedule (CRON_TZ) so the result never depends on the machine's time.Local. A spec that names its
// own CRON_TZ keeps it.
func ParseSpec(spec string, loc *time.Location) (Schedule, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, fmt.Errorf("jadwal kosong")
	}
	if !strings.HasPrefix(spec, "CRON_TZ=") && !strings.HasPrefix(spec, "TZ=") && !strings.HasPrefix(spec, "@every") {
		spec = "CRON_TZ=" + loc.String() + " " + spec
	}
	s, err := parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("jadwal %q tidak sah (format cron 5 kolom: menit jam tanggal bulan hari): %w", spec, err)
	}
	return s, nil
}

// Scheduler fires functions on schedules. It is all we use of robfig/cron.
type Scheduler interface {
	// Add registers fn to run at every activation of s; scheduled is the activation time.
	Add(name string, s Schedule, fn func(scheduled time.Time))
	// Next is the next activation of a registered name (zero when unknown or not started).
	Next(name string) time.Time
	Start()
	// Stop stops firing; the returned context is done when ticks already started have returned.
	Stop() context.Context
}

// cronScheduler is the robfig/cron implementation. No JobWrappers are installed: skip-if-running,
// panic recovery and logging are the Runner's (cron.Recover is off by default and logs through its
// own logger; we want each panic recorded as a failed run instead).
type cronScheduler struct {
	c   *cron.Cron
	ids map[string]cron.EntryID
}

// NewCron returns a Scheduler on robfig/cron in loc.
func NewCron(loc *time.Location) Scheduler {
	return &cronScheduler{c: cron.New(cron.WithLocation(loc), cron.WithParser(parser)), ids: map[string]cron.EntryID{}}
}

type tickJob struct{ fn func(time.Time) }

// Run is called by cron at (about) the activation; our specs have minute resolution, so the
// activation is the current minute.
func (j tickJob) Run() { j.fn(time.Now().UTC().Truncate(time.Minute)) }

func (s *cronScheduler) Add(name string, sch Schedule, fn func(time.Time)) {
	s.ids[name] = s.c.Schedule(sch, tickJob{fn: fn})
}

func (s *cronScheduler) Next(name string) time.Time {
	id, ok := s.ids[name]
	if !ok {
		return time.Time{}
	}
	return s.c.Entry(id).Next
}

func (s *cronScheduler) Start()                { s.c.Start() }
func (s *cronScheduler) Stop() context.Context { return s.c.Stop() }
