package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/maphash"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/marcboeker/go-duckdb"

	"github.com/pantau-koperasi/pantau/internal/fields"
	"github.com/pantau-koperasi/pantau/internal/warehouse"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// rowStatus is what became of a row, as raw.rows records it. One byte per row: a 200,000-row file
// keeps every row's status until it ends (a conflict may change an earlier row's).
type rowStatus uint8

func (s rowStatus) String() string {
	return [...]string{"accepted", "quarantined", "duplicate", "skipped"}[s]
}

// row statuses in raw.rows
const (
	rowAccepted rowStatus = iota
	rowQuarantined
	rowDuplicate
	rowSkipped
)

// FindSubmission returns the id of an earlier submission with the same content hash, or 0. A file
// that was rejected as a whole is read again (the reason is reported again, and a limit raised or
// LibreOffice installed since may let it in). q is the pool, or the writer's connection for the final
// look under the writer lock.
func FindSubmission(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, hash string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM ops.submissions WHERE sha256 = ? AND status NOT IN (?, ?) ORDER BY id LIMIT 1`,
		hash, StatusUji.String(), StatusDitolak.String()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// received makes sum say that its bytes were received before as submission id.
func received(sum *Summary, id int64) {
	*sum = Summary{File: sum.File, SHA256: sum.SHA256, Kind: sum.Kind, SubmissionID: id, Status: StatusDuplikat,
		Message: fmt.Sprintf("berkas yang sama persis sudah diterima sebagai kiriman #%d; tidak ada yang berubah", id)}
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
	// API batches are looked up by their callers, who know what "the same" means for them (a push
	// is the same only from the same token): no second look here.
	return runLoad(ctx, ws, b, opt, sum, false, func(add func(*Input) error) error {
		for i := range b.Inputs {
			if err := add(&b.Inputs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// runLoad validates the rows feed yields and, unless DryRun, writes them in one transaction. The rows
// are written in chunks of chunkRows as they come (a file is never held whole: see stream.go); the
// few decisions that need the whole file — a later row conflicting with an earlier one of the same
// NIK and tahun buku — are settled at the end, inside the same transaction. A *FileError from feed
// (the file broke half-way) rolls everything back and is returned as is.
//
// The writer lock is held while the file is read: DuckDB has one writer anyway, and reading inside the
// transaction is what lets the rows stream instead of waiting in memory.
func runLoad(ctx context.Context, ws *workspace.Workspace, b *Batch, opt Options, sum *Summary, recheck bool, feed func(add func(*Input) error) error) error {
	r, err := newRun(ctx, ws, b, sum)
	if err != nil {
		return err
	}
	if opt.DryRun {
		if err := feed(r.add); err != nil {
			return err
		}
		if err := r.finish(); err != nil {
			return err
		}
		sum.Status = StatusUji
		return nil
	}
	err = ws.WH.WriteConn(ctx, func(conn *sql.Conn) error {
		// With recheck (files), the caller looked for the same bytes before reading them, outside the
		// writer lock; another load of them may have committed since (two uploads of one file at
		// once). Under the lock the answer is final: the same file is never counted twice.
		if recheck && b.SHA256 != "" {
			prev, err := FindSubmission(ctx, conn, b.SHA256)
			if err != nil {
				return err
			}
			if prev > 0 {
				return alreadyReceived{prev}
			}
		}
		if opt.Loader.resolve() == LoaderArrow {
			var err error
			if r.feed, err = feederFor(conn); err != nil {
				return err
			}
		}
		return warehouse.InTx(ctx, conn, func() error {
			r.conn = conn
			if err := conn.QueryRowContext(ctx, `INSERT INTO ops.submissions
				(source, kind, filename, sha256, size_bytes, received_by, rows_total, rows_accepted, rows_quarantined, rows_duplicate, rows_skipped, status, message)
				VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, ?, '') RETURNING id`,
				b.Source, b.Kind.String(), b.Filename, b.SHA256, b.Size, opt.ReceivedBy, StatusDiterima.String()).Scan(&r.id); err != nil {
				return fmt.Errorf("mencatat kiriman: %w", err)
			}
			sum.SubmissionID = r.id
			if b.RawJSON != "" {
				if _, err := conn.ExecContext(ctx, `INSERT INTO raw.api_pages (submission_id, body) VALUES (?, ?)`, r.id, b.RawJSON); err != nil {
					return err
				}
			}
			if err := feed(r.add); err != nil {
				return err
			}
			if err := r.finish(); err != nil {
				return err
			}
			if _, err := conn.ExecContext(ctx, `UPDATE ops.submissions SET rows_total = ?, rows_accepted = ?, rows_quarantined = ?,
				rows_duplicate = ?, rows_skipped = ?, message = ? WHERE id = ?`, sum.RowsRead, sum.Accepted, sum.Quarantined,
				sum.Duplicate, sum.Skipped, strings.Join(sum.Warnings, "; "), r.id); err != nil {
				return fmt.Errorf("mencatat kiriman: %w", err)
			}
			if opt.InTx != nil {
				return opt.InTx(ctx, conn, r.id)
			}
			return nil
		})
	})
	var dup alreadyReceived
	if errors.As(err, &dup) {
		received(sum, dup.id)
		return nil
	}
	if err != nil {
		sum.SubmissionID = 0
		var fe *FileError
		if errors.As(err, &fe) {
			return err
		}
		return fmt.Errorf("%s: memuat ke gudang data: %w", b.Filename, err)
	}
	sum.Status = StatusDiterima
	return nil
}

// alreadyReceived stops a load whose bytes were committed by another load meanwhile.
type alreadyReceived struct{ id int64 }

func (a alreadyReceived) Error() string {
	return fmt.Sprintf("sudah diterima sebagai kiriman #%d", a.id)
}

// chunkRows is how many rows are validated before they are written: enough for DuckDB to take them in
// large batches, few enough that a chunk is a few MB of Go memory.
var chunkRows = 4096

// loadRun validates rows one at a time and writes them in chunks.
type loadRun struct {
	ctx  context.Context
	b    *Batch
	sum  *Summary
	rc   *rowContext
	conn *sql.Conn // nil in a dry run
	feed *feeder
	id   int64

	chunk  []*Record
	base   int         // index of chunk[0] in status
	status []rowStatus // per row, in order

	totals   map[string]*runningTotals // per sheet, since its last totals row
	warnings []string                  // from totals rows

	// probIdx is the row index of each of sum.Problems: conflicts are found after later rows' own
	// problems were listed, and the list is put back in row order at the end (people read the first
	// ones: the CLI prints 20, the upload page 200).
	probIdx []int

	// NIKs read from numeric cells that end in 0 (see noteNumericNIK)
	numericNIK      int
	numericNIKFirst Problem

	seen        map[dupKey]dupSeen
	groups      map[dupKey]*dupGroup
	sheetStarts []sheetStart
	dense       []any
	hash        maphash.Hash
}

func newRun(ctx context.Context, ws *workspace.Workspace, b *Batch, sum *Summary) (*loadRun, error) {
	sum.Kind = b.Kind.String()
	sum.Unrecognised = b.Unrecognised
	res, err := resolverFor(ws.Config.Kantor.Wilayah)
	if err != nil {
		return nil, err
	}
	nikByBH, err := loadNikByBH(ctx, ws)
	if err != nil {
		return nil, err
	}
	rc := &rowContext{kind: b.Kind, date1904: b.Date1904, resolver: res, nikByBH: nikByBH, now: time.Now().UTC(), labels: b.Labels}
	return &loadRun{ctx: ctx, b: b, sum: sum, rc: rc, totals: map[string]*runningTotals{},
		seen: map[dupKey]dupSeen{}, groups: map[dupKey]*dupGroup{}}, nil
}

// add validates one row and queues it for writing.
func (r *loadRun) add(in *Input) error {
	i := len(r.status)
	r.noteSheet(i, in.Sheet)
	var rec *Record
	st := rowSkipped
	if in.Totals || !in.hasData() {
		rec = &Record{Sheet: in.Sheet, Row: in.Row, Cells: in.Cells, src: in}
		if in.cols != nil {
			rec.Cells = nil
		}
		if in.Totals && in.hasData() {
			r.checkTotals(in)
		}
	} else {
		r.rc.tahun = r.b.TahunBySheet[in.Sheet]
		rec = parseRow(in, r.rc)
		r.noteNumericNIK(in, rec)
		r.addToTotals(rec)
		st = rowAccepted
		if len(rec.Problems) > 0 {
			st = rowQuarantined
			r.sum.Problems = append(r.sum.Problems, rec.Problems...)
			for range rec.Problems {
				r.probIdx = append(r.probIdx, i)
			}
		} else {
			st = r.dedupe(i, rec)
		}
	}
	r.status = append(r.status, st)
	if r.conn == nil {
		r.base++
		return nil
	}
	r.chunk = append(r.chunk, rec)
	if len(r.chunk) >= chunkRows {
		return r.flush()
	}
	return nil
}

var nikField = fieldIndex["nik"]

// noteNumericNIK counts NIKs that came from a numeric spreadsheet cell and end in 0. Excel keeps 15
// significant digits of a number, so a 16-digit NIK typed into a General-formatted cell loses its
// last digit to 0 — a different, equally valid-looking NIK (LibreOffice's conversion of .xls/.ods
// does the same). A NIK ending in another digit is provably whole; one ending in 0 may be, so the file
// gets a warning rather than its rows a quarantine.
func (r *loadRun) noteNumericNIK(in *Input, rec *Record) {
	nik := rec.str("nik")
	if len(nik) != 16 || nik[15] != '0' || !in.isMachineAt(nikField) {
		return
	}
	if r.numericNIK == 0 {
		r.numericNIKFirst = Problem{Sheet: rec.Sheet, Row: rec.Row, Value: nik}
	}
	r.numericNIK++
}

// flush writes the queued rows: raw.rows, raw.laporan, ops.quarantine.
func (r *loadRun) flush() error {
	if len(r.chunk) == 0 {
		return nil
	}
	recs, status := r.chunk, r.status[r.base:r.base+len(r.chunk)]
	var err error
	if r.feed != nil {
		err = appendRowsArrow(r.ctx, r.conn, r.feed, r.id, recs, status)
	} else {
		err = appendRows(r.conn, r.id, recs, status)
	}
	if err != nil {
		return err
	}
	if err := appendQuarantine(r.ctx, r.conn, r.id, r.b.Filename, recs, status); err != nil {
		return err
	}
	r.base += len(recs)
	clear(r.chunk)
	r.chunk = r.chunk[:0]
	return nil
}

// finish writes the last chunk, settles duplicates and counts the outcome.
func (r *loadRun) finish() error {
	if r.conn != nil {
		if err := r.flush(); err != nil {
			return err
		}
	}
	dupWarnings, err := r.settleDuplicates()
	if err != nil {
		return err
	}
	if r.numericNIK > 0 {
		p := r.numericNIKFirst
		r.warnings = append(r.warnings, fmt.Sprintf("%d NIK dibaca dari sel angka dan berakhir dengan 0 (pertama: %sbaris %d, %s): Excel hanya menyimpan 15 digit angka, "+
			"sehingga digit ke-16 bisa berubah menjadi 0 tanpa terlihat; periksa NIK tersebut, lalu format kolom NIK sebagai Teks dan ketik ulang",
			r.numericNIK, sheetPrefix(p.Sheet), p.Row, p.Value))
	}
	sum := r.sum
	if len(r.probIdx) == len(sum.Problems) && !sort.IntsAreSorted(r.probIdx) {
		sort.Stable(problemsByRow{sum.Problems, r.probIdx})
	}
	sum.Warnings = append(sum.Warnings, r.b.Warnings...)
	sum.Warnings = append(sum.Warnings, r.warnings...)
	sum.Warnings = append(sum.Warnings, dupWarnings...)
	for _, st := range r.status {
		switch st {
		case rowAccepted:
			sum.Accepted++
		case rowQuarantined:
			sum.Quarantined++
		case rowDuplicate:
			sum.Duplicate++
		case rowSkipped:
			sum.Skipped++
		}
	}
	sum.RowsRead = len(r.status)
	sum.RowStatus = make([]string, len(r.status))
	for i, st := range r.status {
		sum.RowStatus[i] = st.String()
	}
	return nil
}

// problemsByRow sorts problems by the index of their row (stable: a row's own problems keep their order).
type problemsByRow struct {
	p   []Problem
	idx []int
}

func (s problemsByRow) Len() int           { return len(s.p) }
func (s problemsByRow) Less(i, j int) bool { return s.idx[i] < s.idx[j] }
func (s problemsByRow) Swap(i, j int) {
	s.p[i], s.p[j] = s.p[j], s.p[i]
	s.idx[i], s.idx[j] = s.idx[j], s.idx[i]
}

// sheetPrefix is `lembar "X", ` for spreadsheets and nothing for CSV (no sheets).
func sheetPrefix(sheet string) string {
	if sheet == "" {
		return ""
	}
	return fmt.Sprintf("lembar %q, ", sheet)
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
func appendRows(conn *sql.Conn, id int64, recs []*Record, status []rowStatus) error {
	err := warehouse.Append(conn, "raw", "rows", func(add func(vals ...driver.Value) error) error {
		var cells []byte
		for i, r := range recs {
			cells = r.appendCellsJSON(cells[:0])
			if err := add(id, r.Sheet, int32(r.Row), string(cells), status[i].String()); err != nil {
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

func appendQuarantine(ctx context.Context, conn *sql.Conn, id int64, file string, recs []*Record, status []rowStatus) error {
	var ps []Problem
	for i, r := range recs {
		if status[i] == rowQuarantined {
			ps = append(ps, r.Problems...)
		}
	}
	return insertProblems(ctx, conn, id, file, ps)
}

// insertProblems writes problems to ops.quarantine, a batch of rows per statement (a file whose every
// row is rejected has hundreds of thousands).
func insertProblems(ctx context.Context, conn *sql.Conn, id int64, file string, ps []Problem) error {
	err := inBatches(len(ps), func(from, to int) error {
		args := make([]any, 0, (to-from)*9)
		for _, p := range ps[from:to] {
			args = append(args, id, file, p.Sheet, p.Row, p.Column, p.Label, p.Value, p.Reason, p.Code)
		}
		_, err := conn.ExecContext(ctx, `INSERT INTO ops.quarantine
			(submission_id, filename, sheet, row_number, column_name, column_label, value, reason, reason_code)
			VALUES `+tuples(to-from, 9), args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("ops.quarantine: %w", err)
	}
	return nil
}

// batchRows is how many rows one statement names (values are bound, never formatted in).
const batchRows = 256

// inBatches calls fn over [0, n) in slices of at most batchRows.
func inBatches(n int, fn func(from, to int) error) error {
	for from := 0; from < n; from += batchRows {
		if err := fn(from, min(from+batchRows, n)); err != nil {
			return err
		}
	}
	return nil
}

// tuples is "(?, ?), (?, ?)" for n tuples of width placeholders.
func tuples(n, width int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
}
