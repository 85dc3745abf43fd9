package dashboards

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"time"

	"github.com/marcboeker/go-duckdb"
)

// src reads the warehouse for one publish. Tables that other stages build (health grades, follow-up
// cases, check results) may not exist yet in a workspace: has() lets a page show an empty state
// instead of failing.
type src struct {
	ctx  context.Context
	db   *sql.DB
	cols map[string]map[string]bool // "schema.table" → column set
}

func newSrc(ctx context.Context, db *sql.DB) (*src, error) {
	s := &src{ctx: ctx, db: db, cols: map[string]map[string]bool{}}
	q, err := query("katalog")
	if err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("membaca katalog gudang data: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		if s.cols[t] == nil {
			s.cols[t] = map[string]bool{}
		}
		s.cols[t][c] = true
	}
	return s, rows.Err()
}

// has reports whether a table or view exists with all the given columns.
func (s *src) has(table string, cols ...string) bool {
	set, ok := s.cols[table]
	if !ok {
		return false
	}
	for _, c := range cols {
		if !set[c] {
			return false
		}
	}
	return true
}

// rows runs a named query (queries/*.sql) and returns its rows with cells normalised to nil, int64,
// float64 or string (dates as YYYY-MM-DD), the only types the tables and downloads know. Its
// arguments are sql.Named values for the query's $name parameters.
func (s *src) rows(name string, args ...any) ([][]any, error) {
	rs, err := s.query(name, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rs.Next() {
		raw := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range raw {
			raw[i] = norm(v)
		}
		out = append(out, raw)
	}
	return out, rs.Err()
}

// query runs a named query.
func (s *src) query(name string, args ...any) (*sql.Rows, error) {
	q, err := query(name)
	if err != nil {
		return nil, err
	}
	rs, err := s.db.QueryContext(s.ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("kueri %s: %w", name, err)
	}
	return rs, nil
}

func norm(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	case int64:
		return x
	case float32:
		return float64(x)
	case float64:
		return x
	case *big.Int:
		if x.IsInt64() {
			return x.Int64()
		}
		f, _ := new(big.Float).SetInt(x).Float64()
		return f
	case duckdb.Decimal:
		return x.Float64()
	case bool:
		if x {
			return "ya"
		}
		return "tidak"
	case time.Time:
		return x.Format("2006-01-02")
	case string:
		return x
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

func asInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}

func asFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

func asStr(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
