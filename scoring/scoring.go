// Package scoring derives, from the whole reporting history, what officials act on: activity status
// (keaktifan), health grades (kesehatan) and follow-up cases (tindak lanjut).
//
// Each kind of result is a Stage; Run executes the stages it is given in that order, so a later stage
// can read what an earlier one wrote (follow-up reads status and grades). The list itself is built
// where every stage is visible: package app (app.ScoringStages).
package scoring

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// Stage is one scoring step.
type Stage interface {
	// Name is short and stable: "keaktifan", "kesehatan", "tindak_lanjut".
	Name() string
	// Run computes the stage as of asOf and returns the number of rows it wrote.
	Run(ctx context.Context, ws *workspace.Workspace, asOf time.Time) (rows int64, err error)
}

// Result is what one stage did.
type Result struct {
	Stage    string
	Rows     int64
	Duration time.Duration
}

// Run executes stages in the order given as of asOf; it stops at the first failing stage, since later
// stages read what earlier ones wrote. Giving no stage is a mistake of the caller, not a run with
// nothing to do.
func Run(ctx context.Context, ws *workspace.Workspace, asOf time.Time, stages ...Stage) ([]Result, error) {
	if len(stages) == 0 {
		return nil, errors.New("penilaian: tidak ada tahap yang diberikan")
	}
	var out []Result
	for _, s := range stages {
		start := time.Now()
		n, err := s.Run(ctx, ws, asOf)
		if err != nil {
			return out, fmt.Errorf("penilaian %s: %w", s.Name(), err)
		}
		out = append(out, Result{Stage: s.Name(), Rows: n, Duration: time.Since(start)})
	}
	return out, nil
}
