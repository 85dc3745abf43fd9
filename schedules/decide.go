package schedules

import (
	"fmt"
	"time"
)

// The scheduler's decisions, as pure functions of their inputs (no clock, no database): the Runner
// feeds them the current time and the persisted state, and tests feed them a fake clock.

// MissedPolicy says what happens to a run that fell due while the server was down.
type MissedPolicy int

const (
	// RunOnce makes up a missed run once at start-up, if it fell due within the grace period.
	// Several missed activations collapse into that one run (a nightly job run twice in a row would
	// only repeat the same work).
	RunOnce MissedPolicy = iota
	// SkipMissed never makes up: the job waits for its next activation (DHIS2's choice).
	SkipMissed
)

func (p MissedPolicy) String() string {
	if p == SkipMissed {
		return "lewati"
	}
	return "sekali"
}

// ParseMissedPolicy reads the [schedules] missed setting.
func ParseMissedPolicy(s string) (MissedPolicy, error) {
	switch s {
	case "", "sekali":
		return RunOnce, nil
	case "lewati":
		return SkipMissed, nil
	}
	return 0, fmt.Errorf("kebijakan jadwal terlewat %q tidak dikenal (sekali atau lewati)", s)
}

// maxScan bounds the walk over activations between the last run and now (a 10-minute job down for a
// year is 52 560 activations; beyond the bound we only need to know that some were missed).
const maxScan = 1_000_000

// Missed is the decision about runs that fell due between the last run and now.
type Missed struct {
	Run    bool      // make up one run now
	Due    time.Time // the latest activation in (last, now]; zero when none
	Count  int       // activations in (last, now]
	Reason string    // why a run is or is not made up, for the log (Bahasa Indonesia)
}

// DecideMissed looks at the activations of s after last (the start of the last run) up to now.
//
// A job that never ran has nothing to make up: it starts on its first activation (a fresh install
// does not run every job at once on its first start). A missed activation is made up once under
// RunOnce when now - due ≤ grace; otherwise it is skipped, and the reason says so.
func DecideMissed(s Schedule, last, now time.Time, grace time.Duration, p MissedPolicy) Missed {
	if last.IsZero() {
		return Missed{Reason: "belum pernah berjalan: menunggu jadwal berikutnya"}
	}
	var m Missed
	for t, i := s.Next(last), 0; !t.IsZero() && !t.After(now) && i < maxScan; t, i = s.Next(t), i+1 {
		m.Due = t
		m.Count++
	}
	switch {
	case m.Count == 0:
		m.Reason = "tidak ada jadwal yang terlewat"
	case p == SkipMissed:
		m.Reason = fmt.Sprintf("%d jadwal terlewat (terakhir %s); kebijakan \"lewati\": menunggu jadwal berikutnya", m.Count, show(m.Due, now))
	case now.Sub(m.Due) > grace:
		m.Reason = fmt.Sprintf("%d jadwal terlewat (terakhir %s), di luar masa tenggang %s: menunggu jadwal berikutnya", m.Count, show(m.Due, now), grace)
	default:
		m.Run = true
		m.Reason = fmt.Sprintf("%d jadwal terlewat (terakhir %s), dalam masa tenggang %s: dijalankan sekali sekarang", m.Count, show(m.Due, now), grace)
	}
	return m
}

// show renders t for a reason message in the zone of now: the Runner passes now in the office's zone,
// so people read the office's clock while the database keeps UTC.
func show(t, now time.Time) string { return t.In(now.Location()).Format("2006-01-02 15:04 MST") }

// Admission is whether a triggered run may start.
type Admission struct {
	Run    bool
	Reason string
}

// DecideOverlap: a job never runs twice at once. A tick that arrives while the same job runs is
// skipped (not queued: the running one already does the work the tick asked for).
func DecideOverlap(runningSince time.Time, now time.Time) Admission {
	if runningSince.IsZero() {
		return Admission{Run: true}
	}
	return Admission{Reason: fmt.Sprintf("tugas yang sama masih berjalan sejak %s (%s)",
		show(runningSince, now), now.Sub(runningSince).Round(time.Second))}
}

// RetryPolicy of a job: Retries extra attempts after the first, waiting Base, 2×Base, 4×Base …
// capped at Max.
type RetryPolicy struct {
	Retries int
	Base    time.Duration
	Max     time.Duration
}

// DecideRetry says whether attempt (1 = the first try, which just failed) is followed by another, and
// after how long. Cancellation is not a failure to retry: the caller stops on a done context first.
func DecideRetry(p RetryPolicy, attempt int) (time.Duration, bool) {
	if attempt < 1 || attempt > p.Retries {
		return 0, false
	}
	d := p.Base
	for i := 1; i < attempt; i++ {
		d *= 2
		if p.Max > 0 && d >= p.Max {
			return p.Max, true
		}
	}
	if p.Max > 0 && d > p.Max {
		d = p.Max
	}
	return d, true
}

// NextRuns lists the next n activations after from, for `pantau jobs list`.
func NextRuns(s Schedule, from time.Time, n int) []time.Time {
	var out []time.Time
	for t := s.Next(from); !t.IsZero() && len(out) < n; t = s.Next(t) {
		out = append(out, t)
	}
	return out
}
