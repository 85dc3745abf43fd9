// Package export writes a core or mart table to XLSX, CSV or Parquet for people and for other engines.
//
//   - XLSX (excelize, streamed): a frozen header row, an Excel table with filter buttons, number formats
//     for rupiah, counts and dates, and every text cell stored as text, so a value beginning with
//     = + - @ is never a formula.
//   - CSV: UTF-8 with a header; text beginning with = + - @ (or tab, CR) is prefixed with ' (OWASP's
//     advice for CSV opened in a spreadsheet; sqlout.EscapeFormula, which `pantau sql` uses too).
//   - Parquet: DuckDB's COPY, optionally Hive-partitioned (tahun_buku=2024/provinsi=Jawa Barat/…), the
//     layout Trino, Spark and DuckDB read as one table (docs/lake.md).
//
// The table must be an existing core or mart table. A --where filter is checked token by token
// (ValidateWhere) and then runs only on a locked handle of the warehouse (see Export), so DuckDB
// itself refuses files, ATTACH, extensions and settings even if something slipped past the check.
package export

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/marcboeker/go-duckdb"
	"github.com/xuri/excelize/v2"

	"github.com/pantau-koperasi/pantau/internal/outpath"
	"github.com/pantau-koperasi/pantau/internal/sqlout"
	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

// Format of an export.
type Format int

const (
	XLSX Format = iota
	CSV
	Parquet
)

func (f Format) String() string { return [...]string{"xlsx", "csv", "parquet"}[f] }

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "xlsx":
		return XLSX, nil
	case "csv":
		return CSV, nil
	case "parquet":
		return Parquet, nil
	}
	return 0, fmt.Errorf("format %q tidak dikenal: pilih xlsx, csv atau parquet", s)
}

// Options of an export.
type Options struct {
	Table       string // schema.name, core or mart
	Where       string
	Format      Format
	Out         string   // a file; for partitioned Parquet, a folder
	PartitionBy []string // Parquet only: Hive partition columns, e.g. tahun_buku, provinsi
}

// ErrUsage marks a problem with the request (unknown table, bad filter), as opposed to a failure.
var ErrUsage = errors.New("permintaan ekspor tidak sah")

// maxXLSXRows is Excel's sheet limit less the header.
const maxXLSXRows = 1_048_575

type column struct {
	name, typ string
}

// Tables lists the core and mart tables and views that may be exported.
func Tables(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_schema || '.' || table_name FROM information_schema.tables
		WHERE table_schema IN ('core', 'mart') ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func columns(ctx context.Context, db *sql.DB, table string) ([]column, error) {
	schema, name, _ := strings.Cut(table, ".")
	rows, err := db.QueryContext(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position`, schema, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.typ); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Query builds the export query after checking the table and the filter.
func Query(ctx context.Context, db *sql.DB, table, where string) (string, []column, error) {
	tables, err := Tables(ctx, db)
	if err != nil {
		return "", nil, err
	}
	found := false
	for _, t := range tables {
		if t == table {
			found = true
		}
	}
	if !found {
		return "", nil, fmt.Errorf("%w: tabel %q tidak ada atau bukan tabel core/mart (yang ada: %s)", ErrUsage, table, strings.Join(tables, ", "))
	}
	cols, err := columns(ctx, db, table)
	if err != nil {
		return "", nil, err
	}
	q := "SELECT * FROM " + warehouse.QuoteTable(table)
	if strings.TrimSpace(where) != "" {
		names := map[string]bool{}
		for _, c := range cols {
			names[c.name] = true
		}
		if err := validateWhere(where, names); err != nil {
			return "", nil, fmt.Errorf("%w: %w", ErrUsage, err)
		}
		q += " WHERE (" + where + ")"
	}
	return q, cols, nil
}

// validateWhere is ValidateWhere; a test replaces it to show that the locked handle alone refuses
// what a filter could do if it ever slipped past the check.
var validateWhere = ValidateWhere

// Export writes the table and returns the number of rows written. db must be read-only when
// o.Where is set (the CLI opens it so).
//
// Where a person's text runs. The table name is checked against the catalog, the partition columns
// against the table, and the output path is quoted: those never reach DuckDB as the caller's SQL.
// The --where filter does: so when there is one, the rows are read through a second, locked handle
// of the same file (warehouse.OpenUserSQL: external access off, configuration locked), never through
// db. XLSX and CSV are written in Go from those rows. Parquet is written by DuckDB's COPY, which a
// locked handle cannot run, so the filtered rows are appended (the Appender, no SQL text) to a
// temporary table on db and db copies that table: the COPY's text is ours alone. Without a filter
// there is no text of the caller's and db reads and copies the table directly.
func Export(ctx context.Context, db *sql.DB, o Options) (int64, error) {
	q, cols, err := Query(ctx, db, o.Table, o.Where)
	if err != nil {
		return 0, err
	}
	if len(o.PartitionBy) > 0 && o.Format != Parquet {
		return 0, fmt.Errorf("%w: --partition hanya untuk format parquet", ErrUsage)
	}
	src := db // where the rows are read
	if strings.TrimSpace(o.Where) != "" {
		locked, err := warehouse.OpenUserSQL(ctx, db)
		if err != nil {
			return 0, err
		}
		defer locked.Close()
		src = locked.DB()
	}
	switch o.Format {
	case Parquet:
		return writeParquet(ctx, db, src, q, cols, o)
	case CSV:
		return writeCSV(ctx, src, q, cols, o.Out)
	default:
		return writeXLSX(ctx, src, q, cols, o.Out)
	}
}

// stageTable is the temporary table (on db's connection only) that holds filtered rows for COPY.
const stageTable = "pantau_export_rows"

// writeParquet copies q's rows to Parquet with db. When src is another handle (a filter ran there),
// the rows cross to db through the Appender into a temporary table, see Export.
func writeParquet(ctx context.Context, db, src *sql.DB, q string, cols []column, o Options) (int64, error) {
	names := map[string]bool{}
	for _, c := range cols {
		names[c.name] = true
	}
	opts := "FORMAT parquet, COMPRESSION zstd"
	if len(o.PartitionBy) > 0 {
		var parts []string
		for _, p := range o.PartitionBy {
			if !names[p] {
				return 0, fmt.Errorf("%w: kolom partisi %q tidak ada di %s", ErrUsage, p, o.Table)
			}
			parts = append(parts, warehouse.QuoteIdent(p))
		}
		opts += ", PARTITION_BY (" + strings.Join(parts, ", ") + "), OVERWRITE_OR_IGNORE true"
		if err := os.MkdirAll(o.Out, 0o755); err != nil {
			return 0, err
		}
	} else if err := os.MkdirAll(filepath.Dir(o.Out), 0o755); err != nil {
		return 0, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	from := q
	if src != db {
		// the table's own column types, no rows; then the filtered rows, value by value
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE "+stageTable+" AS SELECT * FROM "+warehouse.QuoteTable(o.Table)+" LIMIT 0"); err != nil {
			return 0, err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS temp."+stageTable)
		err := warehouse.Append(conn, "", stageTable, func(add func(vals ...driver.Value) error) error {
			row := make([]driver.Value, len(cols))
			_, err := scanRows(ctx, src, q, len(cols), func(vals []any) error {
				for i, v := range vals {
					row[i] = v
				}
				return add(row...)
			})
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("menulis parquet %s: %w", o.Out, err)
		}
		from = "SELECT * FROM temp." + stageTable
	}
	// COPY cannot bind its target; the path is quoted as a literal.
	res, err := conn.ExecContext(ctx, "COPY ("+from+") TO "+warehouse.QuoteLiteral(o.Out)+" ("+opts+")")
	if err != nil {
		return 0, fmt.Errorf("menulis parquet %s: %w", o.Out, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

func scanRows(ctx context.Context, db *sql.DB, q string, n int, fn func(vals []any) error) (int64, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var count int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return count, err
		}
		if err := fn(vals); err != nil {
			return count, err
		}
		count++
	}
	return count, rows.Err()
}

func decimalString(d duckdb.Decimal) string {
	if d.Value == nil {
		return ""
	}
	v := new(big.Int).Set(d.Value)
	neg := v.Sign() < 0
	v.Abs(v)
	s := v.String()
	if d.Scale > 0 {
		for len(s) <= int(d.Scale) {
			s = "0" + s
		}
		s = s[:len(s)-int(d.Scale)] + "." + s[len(s)-int(d.Scale):]
	}
	if neg {
		s = "-" + s
	}
	return s
}

func writeCSV(ctx context.Context, db *sql.DB, q string, cols []column, out string) (int64, error) {
	f, err := outpath.Create(out) // an export holds personal data: 0644 at most, never executable
	if err != nil {
		return 0, err
	}
	w := csv.NewWriter(f)
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.name
	}
	if err := w.Write(head); err != nil {
		f.Close()
		return 0, err
	}
	rec := make([]string, len(cols))
	n, err := scanRows(ctx, db, q, len(cols), func(vals []any) error {
		for i, v := range vals {
			switch x := v.(type) {
			case nil:
				rec[i] = ""
			case string:
				rec[i] = sqlout.EscapeFormula(x)
			case duckdb.Decimal:
				rec[i] = decimalString(x)
			case time.Time:
				if strings.HasPrefix(cols[i].typ, "DATE") {
					rec[i] = x.Format("2006-01-02")
				} else {
					rec[i] = x.UTC().Format(time.RFC3339)
				}
			default:
				rec[i] = fmt.Sprint(x)
			}
		}
		return w.Write(rec)
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// xlsx number formats. Excel shows the separators of the reader's locale, so an Indonesian Windows
// shows 1.250.000,50 for the rupiah format.
const (
	fmtRupiah  = `"Rp "#,##0.00;[Red]-"Rp "#,##0.00`
	fmtCount   = `#,##0`
	fmtPlain   = `0`
	fmtDecimal = `#,##0.00`
	fmtDate    = `dd/mm/yyyy`
	fmtStamp   = `dd/mm/yyyy hh:mm`
)

func isPlainInteger(name string) bool {
	return strings.Contains(name, "tahun") || strings.HasSuffix(name, "id") || name == "versi" || name == "sumber_baris" ||
		name == "row_number" || strings.HasPrefix(name, "kode")
}

func writeXLSX(ctx context.Context, db *sql.DB, q string, cols []column, out string) (int64, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Data"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return 0, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return 0, err
	}
	style := func(code string) (int, error) { return f.NewStyle(&excelize.Style{CustomNumFmt: &code}) }
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return 0, err
	}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return 0, err
	}
	styles := make([]int, len(cols))
	for i, c := range cols {
		var code string
		switch t := c.typ; {
		case strings.HasPrefix(t, "DECIMAL"):
			code = fmtRupiah
		case t == "INTEGER" || t == "BIGINT" || t == "SMALLINT" || t == "TINYINT" || t == "HUGEINT" || t == "UBIGINT" || t == "UINTEGER":
			code = fmtCount
			if isPlainInteger(c.name) {
				code = fmtPlain
			}
		case t == "DOUBLE" || t == "FLOAT":
			code = fmtDecimal
		case t == "DATE":
			code = fmtDate
		case strings.HasPrefix(t, "TIMESTAMP"):
			code = fmtStamp
		}
		if code != "" {
			if styles[i], err = style(code); err != nil {
				return 0, err
			}
		}
		width := float64(max(len(c.name), 10)) + 2
		if err := sw.SetColWidth(i+1, i+1, min(width, 40)); err != nil {
			return 0, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: header, Value: c.name}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return 0, err
	}
	row := make([]any, len(cols))
	r := 1
	n, err := scanRows(ctx, db, q, len(cols), func(vals []any) error {
		r++
		if r > maxXLSXRows+1 {
			return fmt.Errorf("%w: lebih dari %d baris tidak muat di satu lembar Excel; pakai --where atau format csv/parquet", ErrUsage, maxXLSXRows)
		}
		for i, v := range vals {
			var val any
			switch x := v.(type) {
			case nil:
				row[i] = nil
				continue
			case string:
				if sqlout.IsFormula(x) {
					// a string cell is never evaluated; the text style also keeps Excel from
					// re-reading it as a formula when someone edits the cell
					row[i] = excelize.Cell{StyleID: text, Value: x}
					continue
				}
				val = x
			case duckdb.Decimal:
				val = x.Float64()
			case time.Time:
				val = x.UTC()
			case int32, int64, int16, int8, uint8, uint16, uint32, uint64, float64, float32, bool:
				val = x
			default:
				val = fmt.Sprint(x)
			}
			row[i] = excelize.Cell{StyleID: styles[i], Value: val}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return n, err
	}
	last, _ := excelize.CoordinatesToCellName(len(cols), max(r, 2))
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Data", StyleName: "TableStyleLight9"}); err != nil {
		return n, err
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return n, err
	}
	// Not excelize's SaveAs: it creates the file with os.ModePerm (0777 before umask).
	return n, outpath.Write(out, func(w io.Writer) error { return f.Write(w) })
}
