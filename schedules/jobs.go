package schedules

import (
	"fmt"
	"time"

	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/runs"
)

// Job is one scheduled unit of work: pipeline stages run in order under one name.
type Job struct {
	Name     string
	Title    string // shown to people (Bahasa Indonesia)
	Spec     string
	Stages   []runs.Stage // a stage without Run is not in this build: the job is skipped
	Retry    RetryPolicy
	Schedule Schedule
}

// Trigger is why a job run started.
type Trigger int

const (
	ByScheduler Trigger = iota // its cron activation
	ByCatchUp                  // a run missed while the server was down, made up at start-up
	ByHand                     // `pantau jobs run`, the web page, a test
)

func (t Trigger) String() string { return [...]string{"jadwal", "susulan", "manual"}[t] }

// Jobs are the server's jobs as pantau.toml schedules them, each running stages of pipeline (the
// list package app builds), named: inbox, pull, transform, score, publish.
//
// The weekly sweep re-runs the scoring stage: that is where belum_lapor and rat_terlambat are
// computed as of today (and where follow-up cases are raised once the follow-up module computes
// them); between nightly runs a deadline can pass without new data arriving.
func Jobs(cfg *config.Config, pipeline []runs.Stage) ([]*Job, error) {
	s := cfg.Schedules
	pullRetry := RetryPolicy{Retries: s.PullRetries, Base: time.Duration(s.PullRetrySecs) * time.Second, Max: time.Hour}
	stages := func(names ...string) []runs.Stage {
		out := make([]runs.Stage, len(names))
		for i, n := range names {
			out[i] = runs.Stage{Name: n}
			for _, st := range pipeline {
				if st.Name == n {
					out[i] = st
				}
			}
		}
		return out
	}
	jobs := []*Job{
		{Name: "inbox", Title: "Pindai folder inbox", Spec: s.Inbox, Stages: stages("inbox")},
		{Name: "pull", Title: "Tarik data dari API sumber", Spec: s.Pull, Stages: stages("pull"), Retry: pullRetry},
		{Name: "nightly", Title: "Transformasi, penilaian, terbitkan dasbor", Spec: s.Nightly,
			Stages: stages("transform", "score", "publish")},
		{Name: "sweep", Title: "Sapu mingguan: belum lapor dan RAT terlambat", Spec: s.Sweep, Stages: stages("score")},
	}
	loc := cfg.Location()
	for _, j := range jobs {
		sch, err := ParseSpec(j.Spec, loc)
		if err != nil {
			return nil, fmt.Errorf("schedules.%s: %w", j.Name, err)
		}
		j.Schedule = sch
	}
	return jobs, nil
}
