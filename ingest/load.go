package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/marcboeker/go-duckdb"

	"github.com/pantau-koperasi/pantau/internal/fields"
	"github.com/pantau-koperasi/pantau/internal/warehouse"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// row statuses in raw.rows
const (
	rowAccepted    = "accepted"
	rowQuarantined = "quarantined"
	rowDuplicate   = "duplicate"
	rowSkipped     = "skipped"
)

// findSubmission returns the id of an earlier submission with the same content hash, or 0. A file
// that was rejected as a whole is read again (the reason is reported again, and a limit raised or
// LibreOffice installed since may let it in).
func findSubmission(ctx context.Context, ws *workspace.Workspace, hash string) (int64, error) {
	var id int64
	err := ws.WH.DB().QueryRowContext(ctx, `SELECT id FROM ops.submissions WHERE sha256 = ? AND status NOT IN ('uji', 'ditolak') ORDER BY id LIMIT 1`, hash).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// recordRejected keeps a trace of a file that could not be read at all.
func recordRejected(ctx context.Context, ws *workspace.Workspace, opt Options, name, hash string, size int64, msg string) (int64, error) {
	var id int64
	err := ws.WH.Write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO ops.submissions (source, filename, sha256, size_bytes, received_by, status, message)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, opt.Source, name, hash, size, opt.ReceivedBy, StatusDitolak.String(), msg).Scan(&id)
	})
	return id, err
}

// Process validates a batch and, unless DryRun, loads it in one transaction: ops.submissions, every
// row in raw.rows, accepted rows in raw.laporan, problems in ops.quarantine. All of it or nothing.
func Process(ctx context.Context, ws *workspace.Workspace, b *Batch, opt Options, sum *Summary) error {
	recs, status, err := validateBatch(ctx, ws, b, sum)
	if err != nil {
		return err
	}
	if opt.DryRun {
		sum.Status = StatusUji.String()
		return nil
	}
	return writeRecs(ctx, ws, b, opt, recs, status, sum, true)
}

// validateBatch parses every row of the batch, marks totals rows and duplicates, and counts the outcome in
// sum. It reads the warehouse (known NIK by badan hukum) but writes nothing.
func validateBatch(ctx context.Context, ws *workspace.Workspace, b *Batch, sum *Summary) ([]*Record, []string, error) {
	sum.Kind = b.Kind.String()
	sum.Unrecognised = b.Unrecognised
	sum.Warnings = append(sum.Warnings, b.Warnings...)
	res, err := resolverFor(ws.Config.Kantor.Wilayah)
	if err != nil {
		return nil, nil, err
	}
	nikByBH, err := loadNikByBH(ctx, ws)
	if err != nil {
		return nil, nil, err
	}
	rc := &rowContext{kind: b.Kind, date1904: b.Date1904, resolver: res, nikByBH: nikByBH, now: time.Now().UTC(), labels: b.Labels}
	recs := make([]*Record, len(b.Inputs))
	status := make([]string, len(b.Inputs))
	for i := range b.Inputs {
		in := &b.Inputs[i]
		if in.Totals || !in.hasData() {
			status[i] = rowSkipped
			recs[i] = &Record{Sheet: in.Sheet, Row: in.Row, Cells: in.Cells, src: in}
			if in.cols != nil {
				recs[i].Cells = nil
			}
			continue
		}
		rc.tahun = b.TahunBySheet[in.Sheet]
		recs[i] = parseRow(in, rc)
		if len(recs[i].Problems) > 0 {
			status[i] = rowQuarantined
		} else {
			status[i] = rowAccepted
		}
	}
	checkTotals(b.Inputs, recs, status, rc, sum)
	markDuplicates(recs, status, b.Kind, rc, sum)
	for i, r := range recs {
		switch status[i] {
		case rowAccepted:
			sum.Accepted++
		case rowQuarantined:
			sum.Quarantined++
			sum.Problems = append(sum.Problems, r.Problems...)
		case rowDuplicate:
			sum.Duplicate++
		case rowSkipped:
			sum.Skipped++
		}
	}
	sum.RowsRead = len(recs)
	sum.RowStatus = status
	return recs, status, nil
}

// write loads a validated batch in one transaction: ops.submissions, raw.rows, raw.laporan,
// ops.quarantine.
func write(ctx context.Context, ws *workspace.Workspace, b *Batch, opt Options, recs []*Record, status []string, sum *Summary) error {
	return writeRecs(ctx, ws, b, opt, recs, status, sum, false)
}

// writeRecs is write; with consume, the Arrow loader lets go of each row's cells and values as soon
// as they are in a record batch, so that the Go heap shrinks while DuckDB's copy of the rows grows
// (on a 200,000-row file the two together set the peak memory). Only Process consumes: after it,
// nothing reads a file row's cells or a record's values again (quarantine needs only the problems,
// the summary is counted). The records cannot be written a second time.
func writeRecs(ctx context.Context, ws *workspace.Workspace, b *Batch, opt Options, recs []*Record, status []string, sum *Summary, consume bool) error {
	err := ws.WH.WriteConn(ctx, func(conn *sql.Conn) error {
		var feed *feeder
		if opt.Loader.resolve() == LoaderArrow {
			var err error
			if feed, err = feederFor(conn); err != nil {
				return err
			}
		}
		return warehouse.InTx(ctx, conn, func() error {
			var id int64
			if err := conn.QueryRowContext(ctx, `INSERT INTO ops.submissions
				(source, kind, filename, sha256, size_bytes, received_by, rows_total, rows_accepted, rows_quarantined, rows_duplicate, rows_skipped, status, message)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				b.Source, b.Kind.String(), b.Filename, b.SHA256, b.Size, opt.ReceivedBy, sum.RowsRead, sum.Accepted, sum.Quarantined,
				sum.Duplicate, sum.Skipped, StatusDiterima.String(), strings.Join(sum.Warnings, "; ")).Scan(&id); err != nil {
				return fmt.Errorf("mencatat kiriman: %w", err)
			}
			sum.SubmissionID = id
			if b.RawJSON != "" {
				if _, err := conn.ExecContext(ctx, `INSERT INTO raw.api_pages (submission_id, body) VALUES (?, ?)`, id, b.RawJSON); err != nil {
					return err
				}
			}
			load := appendRows
			if feed != nil {
				load = func(conn *sql.Conn, id int64, recs []*Record, status []string) error {
					return appendRowsArrow(ctx, conn, feed, id, recs, status, consume)
				}
			}
			if err := load(conn, id, recs, status); err != nil {
				return err
			}
			if err := appendQuarantine(ctx, conn, id, b.Filename, recs, status); err != nil {
				return err
			}
			if opt.InTx != nil {
				return opt.InTx(ctx, conn, id)
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("%s: memuat ke gudang data: %w", b.Filename, err)
	}
	sum.Status = StatusDiterima.String()
	return nil
}

// markDuplicates: rows that are exact copies collapse with a warning; rows for the same nik and
// tahun buku with different values are all quarantined ("duplikat bertentangan").
func markDuplicates(recs []*Record, status []string, kind Kind, rc *rowContext, sum *Summary) {
	type key struct {
		nik   string
		tahun int64
	}
	// One pass: the first row of each key, and the groups of keys seen more than once, in the order
	// of their first row (no sort, no slice per row: this runs over every row of a 200,000-row file).
	first := make(map[key]int, len(recs))
	groups := map[key][]int{}
	var keys []key
	for i, r := range recs {
		if status[i] != rowAccepted {
			continue
		}
		y, _ := r.num("tahun_buku")
		k := key{r.str("nik"), y}
		j, seen := first[k]
		if !seen {
			first[k] = i
			continue
		}
		if groups[k] == nil {
			groups[k] = []int{j}
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	sort.Slice(keys, func(i, j int) bool { return first[keys[i]] < first[keys[j]] })
	for _, k := range keys {
		idx := groups[k]
		if len(idx) < 2 {
			continue
		}
		first := recs[idx[0]]
		same := true
		for _, i := range idx[1:] {
			if !sameValues(first, recs[i]) {
				same = false
			}
		}
		if same {
			for _, i := range idx[1:] {
				status[i] = rowDuplicate
				sum.Warnings = append(sum.Warnings, fmt.Sprintf("%sbaris %d sama persis dengan baris %d; dihitung sekali", sheetPrefix(recs[i].Sheet), recs[i].Row, first.Row))
			}
			continue
		}
		var rows []string
		for _, i := range idx {
			rows = append(rows, fmt.Sprint(recs[i].Row))
		}
		for _, i := range idx {
			status[i] = rowQuarantined
			rc.problem(recs[i], "", "", "duplikat_bertentangan",
				fmt.Sprintf("duplikat bertentangan: NIK %s tahun buku %d muncul di baris %s dengan nilai berbeda", k.nik, k.tahun, strings.Join(rows, ", ")))
		}
	}
}

// sheetPrefix is `lembar "X", ` for spreadsheets and nothing for CSV (no sheets).
func sheetPrefix(sheet string) string {
	if sheet == "" {
		return ""
	}
	return fmt.Sprintf("lembar %q, ", sheet)
}

func sameValues(a, b *Record) bool {
	av, bv := a.Values(nil), b.Values(nil)
	for i := range av {
		x, y := av[i], bv[i]
		if tx, ok := x.(time.Time); ok {
			ty, ok := y.(time.Time)
			if !ok || !tx.Equal(ty) {
				return false
			}
			continue
		}
		if x != y {
			return false
		}
	}
	return true
}

func loadNikByBH(ctx context.Context, ws *workspace.Workspace) (map[string]string, error) {
	rows, err := ws.WH.DB().QueryContext(ctx, `SELECT DISTINCT nomor_badan_hukum, nik FROM raw.laporan WHERE nomor_badan_hukum IS NOT NULL AND nik IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var bh, nik string
		if err := rows.Scan(&bh, &nik); err != nil {
			return nil, err
		}
		m[normBH(bh)] = nik
	}
	return m, rows.Err()
}

var fieldKinds = func() []fields.Kind {
	out := make([]fields.Kind, len(fields.All()))
	for i, f := range fields.All() {
		out[i] = f.Kind
	}
	return out
}()

// appendRows loads raw.rows and raw.laporan through DuckDB's Appender (LoaderAppender).
func appendRows(conn *sql.Conn, id int64, recs []*Record, status []string) error {
	err := warehouse.Append(conn, "raw", "rows", func(add func(vals ...driver.Value) error) error {
		for i, r := range recs {
			cells, err := json.Marshal(r.cellMap())
			if err != nil {
				return err
			}
			if err := add(id, r.Sheet, int32(r.Row), string(cells), status[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("raw.rows: %w", err)
	}
	err = warehouse.Append(conn, "raw", "laporan", func(add func(vals ...driver.Value) error) error {
		vals := make([]driver.Value, 3+len(fieldKinds))
		var dense []any
		for i, r := range recs {
			if status[i] != rowAccepted {
				continue
			}
			vals[0], vals[1], vals[2] = id, r.Sheet, int32(r.Row)
			dense = r.Values(dense)
			for j, v := range dense {
				vals[3+j] = toDriver(v, fieldKinds[j])
			}
			if err := add(vals...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("raw.laporan: %w", err)
	}
	return nil
}

func toDriver(v any, k fields.Kind) driver.Value {
	switch x := v.(type) {
	case nil:
		return nil
	case int64:
		switch k {
		case fields.Money:
			return duckdb.Decimal{Width: 18, Scale: 2, Value: big.NewInt(x)}
		case fields.Ratio:
			return float64(x) / 100
		}
		return int32(x)
	case string, time.Time:
		return x
	}
	return fmt.Sprint(v)
}

func appendQuarantine(ctx context.Context, conn *sql.Conn, id int64, file string, recs []*Record, status []string) error {
	for i, r := range recs {
		if status[i] != rowQuarantined {
			continue
		}
		for _, p := range r.Problems {
			if _, err := conn.ExecContext(ctx, `INSERT INTO ops.quarantine
				(submission_id, filename, sheet, row_number, column_name, column_label, value, reason, reason_code)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, file, p.Sheet, p.Row, p.Column, p.Label, p.Value, p.Reason, p.Code); err != nil {
				return fmt.Errorf("ops.quarantine: %w", err)
			}
		}
	}
	return nil
}
