package pull

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math/big"
	"time"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

// State is a source's row in ops.pull_state.
type State struct {
	Source    string
	Watermark string // since value of the next new pull; "" = everything
	// A pull in progress (Next != nil): its since, the next page and what it has seen so far.
	RunSince   string
	Next       *Position
	RunPage    int
	RunMaxSeen string
	LastOK     *time.Time
}

// InProgress reports whether a pull stopped before its last page.
func (s State) InProgress() bool { return s.Next != nil }

// LoadState reads a source's state; a source never pulled has an empty one.
func LoadState(ctx context.Context, wh *warehouse.Warehouse, source string) (State, error) {
	st := State{Source: source}
	var wm, since, nxt, seen sql.NullString
	var last sql.NullTime
	err := wh.DB().QueryRowContext(ctx, `SELECT watermark, run_since, run_next, run_page, run_max_seen, last_ok_at
		FROM ops.pull_state WHERE source = ?`, source).Scan(&wm, &since, &nxt, &st.RunPage, &seen, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.Watermark, st.RunSince, st.RunMaxSeen = wm.String, since.String, seen.String
	if last.Valid {
		t := last.Time
		st.LastOK = &t
	}
	if nxt.Valid && nxt.String != "" {
		var p Position
		if err := json.Unmarshal([]byte(nxt.String), &p); err != nil {
			return st, err
		}
		st.Next = &p
	}
	return st, nil
}

// execer is a connection or transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// save writes the state; called inside the transaction of the page it follows.
func (s State) save(ctx context.Context, db execer, now time.Time) error {
	var nxt any
	if s.Next != nil {
		b, err := json.Marshal(s.Next)
		if err != nil {
			return err
		}
		nxt = string(b)
	}
	var last any
	if s.LastOK != nil {
		last = s.LastOK.UTC()
	}
	_, err := db.ExecContext(ctx, `INSERT OR REPLACE INTO ops.pull_state
		(source, watermark, run_since, run_next, run_page, run_max_seen, last_ok_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.Source, nullable(s.Watermark), nullable(s.RunSince), nxt, s.RunPage,
		nullable(s.RunMaxSeen), last, now.UTC())
	return err
}

// ResetState forgets a source's watermark and any pull in progress: the next pull starts over.
func ResetState(ctx context.Context, wh *warehouse.Warehouse, source string) error {
	return wh.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM ops.pull_state WHERE source = ?`, source)
		return err
	})
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// later returns the larger of two since values: as numbers when both are numbers, else as text
// (ISO 8601 times order correctly as text).
func later(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	x, okx := new(big.Rat).SetString(a)
	y, oky := new(big.Rat).SetString(b)
	if okx && oky {
		if y.Cmp(x) > 0 {
			return b
		}
		return a
	}
	if b > a {
		return b
	}
	return a
}
