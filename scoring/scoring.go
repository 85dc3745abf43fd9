// Package scoring derives, from the whole reporting history, what officials act on: activity status
// (keaktifan), health grades (kesehatan) and follow-up cases (tindak lanjut).
//
// Each kind of result is a Stage registered here; Run executes them in Order, so a later stage can
// read what an earlier one wrote (follow-up reads status and grades).
package scoring

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// Stage is one scoring step.
type Stage interface {
	// Name is short and stable: "keaktifan", "kesehatan", "tindak_lanjut".
	Name() string
	// Order decides when the stage runs; lower first (keaktifan 10, kesehatan 20, tindak_lanjut 30).
	Order() int
	// Run computes the stage as of asOf and returns the number of rows it wrote.
	Run(ctx context.Context, ws *workspace.Workspace, asOf time.Time) (rows int64, err error)
}

var (
	mu     sync.Mutex
	stages []Stage
)

// Register adds a stage; call it from init().
func Register(s Stage) {
	mu.Lock()
	defer mu.Unlock()
	stages = append(stages, s)
	sort.SliceStable(stages, func(i, j int) bool { return stages[i].Order() < stages[j].Order() })
}

// Stages returns the registered stages in run order.
func Stages() []Stage {
	mu.Lock()
	defer mu.Unlock()
	return append([]Stage(nil), stages...)
}

// Result is what one stage did.
type Result struct {
	Stage    string
	Rows     int64
	Duration time.Duration
}

// Run executes every stage in order as of asOf; it stops at the first failing stage, since later
// stages read what earlier ones wrote.
func Run(ctx context.Context, ws *workspace.Workspace, asOf time.Time) ([]Result, error) {
	var out []Result
	for _, s := range Stages() {
		start := time.Now()
		n, err := s.Run(ctx, ws, asOf)
		if err != nil {
			return out, fmt.Errorf("penilaian %s: %w", s.Name(), err)
		}
		out = append(out, Result{Stage: s.Name(), Rows: n, Duration: time.Since(start)})
	}
	return out, nil
}
