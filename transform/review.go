package transform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

// ReviewStatus of a load in ops.load_reviews.
type ReviewStatus int

const (
	// StatusDitahan: held, waiting for a reviewer; kept out of the marts.
	StatusDitahan ReviewStatus = iota
	// StatusDiterima: a reviewer accepted it; it flows into the marts even past failing checks.
	StatusDiterima
	// StatusDitolak: a reviewer rejected it; it stays in raw (nothing is deleted) but never flows on.
	StatusDitolak
)

func (s ReviewStatus) String() string {
	return [...]string{"ditahan", "diterima", "ditolak"}[s]
}

// Review is a load waiting for, or decided by, a reviewer.
type Review struct {
	SubmissionID int64
	Filename     string
	SourceKey    string
	Rows         int64
	PreviousID   int64
	PreviousRows int64
	Reason       string // jumlah_baris_turun, cek_error
	Message      string
	Status       ReviewStatus
	CreatedAt    time.Time
	DecidedAt    *time.Time
	DecidedBy    string
	Note         string
}

// ErrNoSuchLoad is returned when a review names a submission that is not a loaded submission.
var ErrNoSuchLoad = errors.New("kiriman tidak ditemukan")

// ListReviews returns the loads waiting for a decision: held by the row-count guard, or blocked by an
// error-severity check in the latest check run and not yet decided. all adds decided ones.
func ListReviews(ctx context.Context, wh *warehouse.Warehouse, all bool) ([]Review, error) {
	q := `WITH blok AS (
			SELECT b.submission_id, string_agg(b.message, ' | ' ORDER BY b.check_name) AS message
			FROM ops.check_blocks b
			WHERE b.run_id = (SELECT max(id) FROM ops.check_runs WHERE finished_at IS NOT NULL)
			GROUP BY 1
		)
		SELECT s.id, coalesce(s.filename, ''), coalesce(r.source_key, ''), s.rows_accepted, coalesce(r.previous_id, 0), coalesce(r.rows_previous, 0),
			coalesce(r.reason, 'cek_error'), coalesce(r.message, blok.message, ''), coalesce(r.status, 'ditahan'),
			coalesce(r.created_at, s.received_at), r.decided_at, coalesce(r.decided_by, ''), coalesce(r.note, '')
		FROM ops.submissions s
		LEFT JOIN ops.load_reviews r ON r.submission_id = s.id
		LEFT JOIN blok ON blok.submission_id = s.id
		WHERE (r.submission_id IS NOT NULL OR blok.submission_id IS NOT NULL)`
	if !all {
		q += ` AND coalesce(r.status, 'ditahan') = 'ditahan'`
	}
	q += ` ORDER BY s.id`
	rows, err := wh.DB().QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Review
	for rows.Next() {
		var r Review
		var st string
		var dec sql.NullTime
		if err := rows.Scan(&r.SubmissionID, &r.Filename, &r.SourceKey, &r.Rows, &r.PreviousID, &r.PreviousRows, &r.Reason, &r.Message, &st,
			&r.CreatedAt, &dec, &r.DecidedBy, &r.Note); err != nil {
			return nil, err
		}
		switch st {
		case "diterima":
			r.Status = StatusDiterima
		case "ditolak":
			r.Status = StatusDitolak
		}
		if dec.Valid {
			t := dec.Time
			r.DecidedAt = &t
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Decide records a reviewer's decision on a load: accept (publish it at the next transform, even past
// failing checks) or reject (keep it out). A load that was never held (e.g. one blocked by a check) gets
// its review row now. The decision takes effect at the next `pantau transform`.
func Decide(ctx context.Context, wh *warehouse.Warehouse, id int64, accept bool, by, note string, now time.Time) error {
	st := StatusDitolak
	if accept {
		st = StatusDiterima
	}
	return wh.Write(ctx, func(tx *sql.Tx) error {
		var kind, source, filename string
		var rows int64
		err := tx.QueryRowContext(ctx, `SELECT kind, source, coalesce(filename, ''), rows_accepted FROM ops.submissions WHERE id = ? AND status = 'diterima'`, id).
			Scan(&kind, &source, &filename, &rows)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: #%d (hanya kiriman yang dimuat yang dapat ditinjau)", ErrNoSuchLoad, id)
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE ops.load_reviews SET status = ?, decided_at = ?, decided_by = ?, note = ? WHERE submission_id = ?`,
			st.String(), now, by, nullIfEmpty(note), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		var msg sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT string_agg(message, ' | ') FROM ops.check_blocks WHERE submission_id = ?
			AND run_id = (SELECT max(id) FROM ops.check_runs WHERE finished_at IS NOT NULL)`, id).Scan(&msg); err != nil {
			return err
		}
		reason, m := "cek_error", msg.String
		if !msg.Valid {
			reason, m = "manual", "ditinjau tanpa ditahan"
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO ops.load_reviews (submission_id, source_key, rows_load, reason, message, status, created_at, decided_at, decided_by, note)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, SourceKey(kind, source, filename), rows, reason, m, st.String(), now, now, by, nullIfEmpty(note))
		return err
	})
}

func nullIfEmpty(s string) any {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return s
}
