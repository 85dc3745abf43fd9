package app

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/pantau-koperasi/pantau/dashboards"
	"github.com/pantau-koperasi/pantau/ingest/pull"
	"github.com/pantau-koperasi/pantau/internal/runs"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/scoring"
	"github.com/pantau-koperasi/pantau/scoring/kesehatan"
	"github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
	"github.com/pantau-koperasi/pantau/transform"
)

// The stages' names, as ops.runs records them and the scheduler's jobs name them.
const (
	Inbox     = "inbox"
	Pull      = "pull"
	Transform = "transform"
	Score     = "score"
	Publish   = "publish"
)

// Pipeline is an ordered list of stages.
type Pipeline []runs.Stage

// Stages is the pipeline, in the order `pantau run` runs it: inbox (the files dropped in inbox/) →
// pull (every [[sumber]]) → transform → score → publish.
func Stages() Pipeline {
	return Pipeline{
		{Name: Inbox, Run: inboxStage},
		{Name: Pull, Run: pullStage},
		{Name: Transform, Run: transformStage},
		{Name: Score, Run: scoreStage},
		{Name: Publish, Run: publishStage},
	}
}

// ScoringStages are the steps of the score stage, in order: activity status first, then health
// grades, then follow-up cases, which read both.
func ScoringStages() []scoring.Stage {
	return []scoring.Stage{scoring.Keaktifan(), kesehatan.Stage(), tindaklanjut.Stage()}
}

// Stage returns the stage of p named name.
func (p Pipeline) Stage(name string) (runs.Stage, bool) {
	for _, s := range p {
		if s.Name == name {
			return s, true
		}
	}
	return runs.Stage{}, false
}

// With returns a copy of p in which the stage named name does fn instead (a command that reports
// what the stage did as it goes, a test that holds a stage).
func (p Pipeline) With(name string, fn runs.Func) Pipeline {
	out := append(Pipeline(nil), p...)
	for i := range out {
		if out[i].Name == name {
			out[i].Run = fn
		}
	}
	return out
}

// Run executes the named stages of p in the order named (every stage of p, in order, when none is
// named) for job, each recorded in ops.runs; it stops at the first failure.
func (p Pipeline) Run(ctx context.Context, ws *workspace.Workspace, job string, names ...string) error {
	stages := []runs.Stage(p)
	if len(names) > 0 {
		stages = nil
		for _, n := range names {
			s, ok := p.Stage(n)
			if !ok {
				return fmt.Errorf("tahap %s belum tersedia", n)
			}
			stages = append(stages, s)
		}
	}
	return runs.Sequence(ctx, ws, job, stages...)
}

func inboxStage(ctx context.Context, ws *workspace.Workspace) (int64, error) {
	sums, err := IngestInbox(ctx, ws)
	var n int64
	for _, s := range sums {
		n += int64(s.Accepted)
	}
	return n, err
}

// pullStage pulls every [[sumber]]; with none configured the stage succeeds with no rows. A source
// that fails does not stop the others, but fails the stage (and so the run) after they are done.
func pullStage(ctx context.Context, ws *workspace.Workspace) (int64, error) {
	res, err := pull.All(ctx, ws, nil, pull.Options{})
	var n int64
	for _, r := range res {
		if r != nil {
			n += int64(r.Accepted)
		}
	}
	return n, err
}

func transformStage(ctx context.Context, ws *workspace.Workspace) (int64, error) {
	res, err := transform.Run(ctx, ws, nil)
	var n int64
	for _, r := range res {
		n += r.Rows
	}
	return n, err
}

func scoreStage(ctx context.Context, ws *workspace.Workspace) (int64, error) {
	res, err := scoring.Run(ctx, ws, AsOf(ws.Config.Location()), ScoringStages()...)
	var n int64
	for _, r := range res {
		n += r.Rows
	}
	return n, err
}

func publishStage(ctx context.Context, ws *workspace.Workspace) (int64, error) {
	res, err := dashboards.PublishResult(ctx, ws, dashboards.Options{})
	if err != nil || ws.Config.Publish.Publik == "" {
		return res.Koperasi, err
	}
	// The public build (directory and aggregates, no personal data) beside the internal one.
	_, err = dashboards.PublishResult(ctx, ws, dashboards.Options{Dir: ws.Config.Abs(ws.Config.Publish.Publik), Public: true})
	return res.Koperasi, err
}

// AsOf is the date statuses are computed for: today in the office's time zone (at 03:00 WIB it is
// already tomorrow in Jakarta, though still yesterday in UTC), or PANTAU_AS_OF (YYYY-MM-DD) so a demo
// or a test can be reproduced on any day. The result is that calendar date at midnight UTC, so code
// that stores it as a DATE gets the office's date whatever the machine's zone.
func AsOf(loc *time.Location) time.Time {
	if v := os.Getenv("PANTAU_AS_OF"); v != "" {
		if t, err := time.Parse("2006-01-02", v); err == nil {
			return t
		}
	}
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := time.Now().In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
