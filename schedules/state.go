package schedules

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/pantau-koperasi/pantau/internal/runs"
	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

// Run statuses of ops.job_runs and ops.job_state: the run vocabulary of internal/runs.
const (
	StatusRunning   = runs.Running
	StatusSucceeded = runs.Succeeded
	StatusFailed    = runs.Failed
	StatusSkipped   = runs.Skipped
	StatusCancelled = runs.Cancelled
)

// JobState is the persisted memory of one job (ops.job_state).
type JobState struct {
	Job          string
	LastStarted  time.Time
	LastFinished time.Time
	LastStatus   runs.Status
	LastError    string
}

// RunRecord is one row of ops.job_runs with its stage runs.
type RunRecord struct {
	ID           int64
	Job          string
	Trigger      string
	ScheduledFor time.Time
	Started      time.Time
	Finished     time.Time
	Status       runs.Status
	Attempts     int
	Message      string
	Stages       []StageRecord
}

// StageRecord is one row of ops.runs.
type StageRecord struct {
	Stage    string
	Status   runs.Status
	Rows     int64
	Started  time.Time
	Finished time.Time
	Error    string
}

// States reads every job's persisted state.
func States(ctx context.Context, wh *warehouse.Warehouse) (map[string]JobState, error) {
	rows, err := wh.Query(ctx, `SELECT job, last_started_at, last_finished_at, coalesce(last_status, ''), coalesce(last_error, '') FROM ops.job_state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]JobState{}
	for rows.Next() {
		var s JobState
		var st, fin sql.NullTime
		if err := rows.Scan(&s.Job, &st, &fin, &s.LastStatus, &s.LastError); err != nil {
			return nil, err
		}
		s.LastStarted, s.LastFinished = st.Time.UTC(), fin.Time.UTC()
		if !st.Valid {
			s.LastStarted = time.Time{}
		}
		if !fin.Valid {
			s.LastFinished = time.Time{}
		}
		out[s.Job] = s
	}
	return out, rows.Err()
}

func beginRun(ctx context.Context, wh *warehouse.Warehouse, job string, tr Trigger, scheduled, start time.Time) (int64, error) {
	var id int64
	err := wh.Write(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO ops.job_runs (job, trigger, scheduled_for, started_at, status) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			job, tr.String(), nullTime(scheduled), start, StatusRunning.String()).Scan(&id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO ops.job_state (job, last_started_at, last_status) VALUES (?, ?, ?)
			ON CONFLICT (job) DO UPDATE SET last_started_at = excluded.last_started_at, last_status = excluded.last_status`,
			job, start, StatusRunning.String())
		return err
	})
	return id, err
}

func finishRun(ctx context.Context, wh *warehouse.Warehouse, id int64, job string, status runs.Status, attempts int, msg string, end time.Time) error {
	return wh.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE ops.job_runs SET finished_at = ?, status = ?, attempts = ?, message = ? WHERE id = ?`,
			end, status.String(), attempts, nullString(msg), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE ops.job_state SET last_finished_at = ?, last_status = ?, last_error = ? WHERE job = ?`,
			end, status.String(), nullString(msg), job)
		return err
	})
}

func recordSkip(ctx context.Context, wh *warehouse.Warehouse, job string, tr Trigger, scheduled, now time.Time, reason string) error {
	return wh.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO ops.job_runs (job, trigger, scheduled_for, started_at, finished_at, status, message) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			job, tr.String(), nullTime(scheduled), now, now, StatusSkipped.String(), reason)
		return err
	})
}

// History lists the latest job runs (of one job when job is not empty), newest first, with their
// stage runs from ops.runs.
func History(ctx context.Context, wh *warehouse.Warehouse, job string, limit int) ([]RunRecord, error) {
	if limit <= 0 {
		limit = 20
	}
	rows, err := wh.Query(ctx, `SELECT id, job, trigger, scheduled_for, started_at, finished_at, status, attempts, coalesce(message, '')
		FROM ops.job_runs WHERE (? = '' OR job = ?) ORDER BY id DESC LIMIT ?`, job, job, limit)
	if err != nil {
		return nil, err
	}
	var out []RunRecord
	for rows.Next() {
		var r RunRecord
		var sch, fin sql.NullTime
		if err := rows.Scan(&r.ID, &r.Job, &r.Trigger, &sch, &r.Started, &fin, &r.Status, &r.Attempts, &r.Message); err != nil {
			rows.Close()
			return nil, err
		}
		if sch.Valid {
			r.ScheduledFor = sch.Time.UTC()
		}
		if fin.Valid {
			r.Finished = fin.Time.UTC()
		}
		r.Started = r.Started.UTC()
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		r := &out[i]
		if r.Status == StatusSkipped {
			continue
		}
		end := r.Finished
		if end.IsZero() {
			end = time.Now().UTC().Add(time.Hour)
		}
		st, err := wh.Query(ctx, `SELECT stage, status, coalesce(rows, 0), started_at, finished_at, coalesce(error, '') FROM ops.runs
			WHERE job = ? AND started_at >= ? AND started_at <= ? ORDER BY id`, r.Job, r.Started, end)
		if err != nil {
			return nil, err
		}
		for st.Next() {
			var s StageRecord
			var fin sql.NullTime
			if err := st.Scan(&s.Stage, &s.Status, &s.Rows, &s.Started, &fin, &s.Error); err != nil {
				st.Close()
				return nil, err
			}
			s.Started = s.Started.UTC()
			if fin.Valid {
				s.Finished = fin.Time.UTC()
			}
			r.Stages = append(r.Stages, s)
		}
		st.Close()
		if err := st.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// markInterrupted closes runs left "running" by a process that died (kill -9, power cut): they did
// not finish, and leaving them running would make history lie.
func markInterrupted(ctx context.Context, wh *warehouse.Warehouse, now time.Time) error {
	return wh.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE ops.job_runs SET status = ?, finished_at = ?, message = 'terputus: server berhenti sebelum tugas selesai' WHERE status = ?`,
			StatusFailed.String(), now, StatusRunning.String()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ops.runs SET status = ?, finished_at = ?, error = 'terputus: server berhenti sebelum tahap selesai' WHERE status = ?`,
			runs.Failed.String(), now, runs.Running.String()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE ops.job_state SET last_status = ? WHERE last_status = ?`, StatusFailed.String(), StatusRunning.String())
		return err
	})
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var errSkipped = errors.New("dilewati")
