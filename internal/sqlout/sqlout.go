// Package sqlout runs a read-only query and writes its result as CSV, JSON or an aligned table.
package sqlout

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/marcboeker/go-duckdb"

	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

// Format of the output.
type Format int

const (
	CSV Format = iota
	JSON
	Table
)

// ParseFormat reads --format.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "csv", "":
		return CSV, nil
	case "json":
		return JSON, nil
	case "table":
		return Table, nil
	}
	return 0, fmt.Errorf("--format %q tidak dikenal: pakai csv, json atau table", s)
}

// Run executes q on the warehouse (which should be opened read-only) and writes the result.
func Run(ctx context.Context, wh *warehouse.Warehouse, q string, f Format, w io.Writer) error {
	rows, err := wh.Query(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var (
		cw   *csv.Writer
		tw   *tabwriter.Writer
		objs []map[string]any
	)
	switch f {
	case CSV:
		cw = csv.NewWriter(w)
		if err := cw.Write(cols); err != nil {
			return err
		}
	case Table:
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
	case JSON:
		objs = []map[string]any{}
	}
	rec := make([]string, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		switch f {
		case JSON:
			o := make(map[string]any, len(cols))
			for i, c := range cols {
				o[c] = jsonValue(vals[i])
			}
			objs = append(objs, o)
		default:
			for i := range vals {
				rec[i] = Text(vals[i])
			}
			if cw != nil {
				if err := cw.Write(rec); err != nil {
					return err
				}
			} else {
				fmt.Fprintln(tw, strings.Join(rec, "\t"))
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	switch f {
	case CSV:
		cw.Flush()
		return cw.Error()
	case Table:
		return tw.Flush()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(objs)
}

// Text renders a scanned DuckDB value as plain text (NULL as empty).
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.UTC().Format(time.RFC3339)
	case duckdb.Decimal:
		return DecimalString(x)
	case float64:
		return fmt.Sprintf("%g", x)
	}
	return fmt.Sprint(v)
}

// DecimalString formats a DuckDB decimal exactly ("1250000.50").
func DecimalString(d duckdb.Decimal) string {
	if d.Value == nil {
		return ""
	}
	if d.Scale == 0 {
		return d.Value.String()
	}
	r := new(big.Rat).SetFrac(d.Value, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.Scale)), nil))
	return r.FloatString(int(d.Scale))
}

func jsonValue(v any) any {
	switch x := v.(type) {
	case duckdb.Decimal:
		return json.Number(DecimalString(x))
	case []byte:
		return string(x)
	case time.Time:
		return Text(x)
	}
	return v
}
