// Package sqlout runs SQL a person wrote (`pantau sql`) on a locked warehouse handle and writes its
// result as CSV, JSON or an aligned table. It also holds the one rule for text that a spreadsheet
// would read as a formula (IsFormula, EscapeFormula), shared with transform/export.
package sqlout

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
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

// IsFormula reports whether a text cell would be read as a formula by a spreadsheet: it begins with
// = + - @, or with a tab or carriage return (OWASP's list for CSV injection).
func IsFormula(s string) bool {
	return s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0
}

// EscapeFormula prefixes such a text with ' so a spreadsheet shows it as text (OWASP's advice for CSV);
// other text is returned unchanged. Apply it to text cells only: a number such as -5 stays a number.
func EscapeFormula(s string) string {
	if IsFormula(s) {
		return "'" + s
	}
	return s
}

// Run executes q, SQL text a person wrote, and writes the result. wh must be a locked handle
// (warehouse.OpenUserSQL or Options.UserSQL): DuckDB then refuses, for every statement of q, anything
// beyond reading the warehouse. In CSV, text cells (and column names) that a spreadsheet would read
// as a formula are escaped as the exports escape them.
func Run(ctx context.Context, wh *warehouse.Warehouse, q string, f Format, w io.Writer) error {
	if !wh.UserSQL() {
		return errors.New("sqlout: SQL pengguna hanya dijalankan pada gudang data terkunci (warehouse.OpenUserSQL)")
	}
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
		head := make([]string, len(cols))
		for i, c := range cols {
			head[i] = EscapeFormula(c)
		}
		if err := cw.Write(head); err != nil {
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
				if cw != nil && isText(vals[i]) {
					rec[i] = EscapeFormula(rec[i])
				}
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

// isText: the scanned value is text (VARCHAR, or a BLOB written out as its bytes), not a number,
// date or nested value.
func isText(v any) bool {
	switch v.(type) {
	case string, []byte:
		return true
	}
	return false
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
