// Package pipeline runs the stages of Pantau in order and records each run in ops.runs:
// inbox (ingest the files dropped in inbox/) → transform → score → publish. The CLI (`pantau run`,
// `pantau transform` …) and the server's scheduler both go through Run, so every stage run is logged
// the same way.
package pipeline

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// Stage of the pipeline.
type Stage int

const (
	Inbox Stage = iota
	Pull
	Transform
	Score
	Publish
)

func (s Stage) String() string {
	return [...]string{"inbox", "pull", "transform", "score", "publish"}[s]
}

// ParseStage reads a stage name.
func ParseStage(s string) (Stage, error) {
	for st := Inbox; st <= Publish; st++ {
		if st.String() == s {
			return st, nil
		}
	}
	return 0, fmt.Errorf("tahap %q tidak dikenal", s)
}

// RunStatus of a stage run in ops.runs.
type RunStatus int

const (
	Running RunStatus = iota
	Succeeded
	Failed
	Skipped
)

func (s RunStatus) String() string {
	return [...]string{"running", "succeeded", "failed", "skipped"}[s]
}

// StageFunc does the work of a stage and returns the rows it handled.
type StageFunc func(ctx context.Context, ws *workspace.Workspace) (int64, error)

// registry of stage implementations; filled by Register (see stages.go) to keep this package free of
// import cycles with the stage packages.
var impl = map[Stage]StageFunc{}

// Register sets the implementation of a stage.
func Register(s Stage, fn StageFunc) { impl[s] = fn }

// Run executes stages in order for job, recording each in ops.runs. It stops at the first failure:
// later stages read what earlier ones wrote, and publishing after a failed transform would publish
// stale data as fresh.
func Run(ctx context.Context, ws *workspace.Workspace, job string, stages ...Stage) error {
	for _, s := range stages {
		fn, ok := impl[s]
		if !ok {
			return fmt.Errorf("tahap %s belum tersedia", s)
		}
		if err := RunOne(ctx, ws, job, s, fn); err != nil {
			return err
		}
	}
	return nil
}

// RunOne executes one stage function and records it in ops.runs.
func RunOne(ctx context.Context, ws *workspace.Workspace, job string, s Stage, fn StageFunc) error {
	start := time.Now().UTC()
	var id int64
	err := ws.WH.Write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO ops.runs (job, stage, started_at, status) VALUES (?, ?, ?, ?) RETURNING id`,
			job, s.String(), start, Running.String()).Scan(&id)
	})
	if err != nil {
		return fmt.Errorf("mencatat run: %w", err)
	}
	rows, runErr := fn(ctx, ws)
	status := Succeeded
	var msg any
	if runErr != nil {
		status = Failed
		msg = runErr.Error()
	}
	err = ws.WH.Write(context.WithoutCancel(ctx), func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE ops.runs SET finished_at = ?, status = ?, rows = ?, error = ? WHERE id = ?`,
			time.Now().UTC(), status.String(), rows, msg, id)
		return err
	})
	if runErr != nil {
		return fmt.Errorf("tahap %s: %w", s, runErr)
	}
	ws.Log.Info("stage finished", "job", job, "stage", s.String(), "rows", rows, "duration", time.Since(start))
	return err
}

// Func returns the implementation of a stage (the scheduler wraps it with panic recovery).
func Func(s Stage) (StageFunc, bool) { fn, ok := impl[s]; return fn, ok }

// Has reports whether a stage has an implementation in this build.
func Has(s Stage) bool { _, ok := impl[s]; return ok }
