// Package runs records every stage run in ops.runs, the same way whoever runs it (`pantau run`, the
// CLI's stage commands, the server's scheduler, the demo). A stage is only a name and a function
// here: which stages exist, and in which order, is package app's to say.
package runs

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// Func does the work of a stage and returns the rows it handled.
type Func func(ctx context.Context, ws *workspace.Workspace) (int64, error)

// Stage of the pipeline: its name in ops.runs and its work.
type Stage struct {
	Name string
	Run  Func
}

// Status of a run: of a stage in ops.runs, and of a job in ops.job_runs and ops.job_state
// (schedules). String is the word stored in the warehouse; Label is what people read.
type Status string

const (
	Running   Status = "running"
	Succeeded Status = "succeeded"
	Failed    Status = "failed"
	Skipped   Status = "skipped"
	Cancelled Status = "cancelled" // a job run stopped by shutdown or by its context (ops.job_runs only)
)

// Statuses lists every run status.
var Statuses = []Status{Running, Succeeded, Failed, Skipped, Cancelled}

func (s Status) String() string { return string(s) }

// Label is the status in Bahasa Indonesia.
func (s Status) Label() string {
	switch s {
	case Running:
		return "berjalan"
	case Succeeded:
		return "berhasil"
	case Failed:
		return "gagal"
	case Skipped:
		return "dilewati"
	case Cancelled:
		return "dibatalkan"
	}
	return string(s)
}

// ParseStatus reads a status as stored in the warehouse.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if s == string(st) {
			return st, nil
		}
	}
	return "", fmt.Errorf("status run %q tidak dikenal", s)
}

// Sequence executes stages in order for job, recording each in ops.runs. It stops at the first
// failure: later stages read what earlier ones wrote, and publishing after a failed transform would
// publish stale data as fresh.
func Sequence(ctx context.Context, ws *workspace.Workspace, job string, stages ...Stage) error {
	for _, s := range stages {
		if s.Run == nil {
			return fmt.Errorf("tahap %s belum tersedia", s.Name)
		}
		if err := One(ctx, ws, job, s.Name, s.Run); err != nil {
			return err
		}
	}
	return nil
}

// One executes the work fn of the stage named stage and records it in ops.runs.
func One(ctx context.Context, ws *workspace.Workspace, job, stage string, fn Func) error {
	start := time.Now().UTC()
	var id int64
	err := ws.WH.Write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO ops.runs (job, stage, started_at, status) VALUES (?, ?, ?, ?) RETURNING id`,
			job, stage, start, Running.String()).Scan(&id)
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
		return fmt.Errorf("tahap %s: %w", stage, runErr)
	}
	ws.Log.Info("stage finished", "job", job, "stage", stage, "rows", rows, "duration", time.Since(start))
	return err
}
