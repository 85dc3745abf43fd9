package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/decimal128"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/marcboeker/go-duckdb"

	"github.com/pantau-koperasi/pantau/internal/fields"
	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

// Loader is how parsed rows travel into DuckDB.
type Loader int

const (
	// LoaderDefault is DefaultLoader, chosen by measurement (see there).
	LoaderDefault Loader = iota
	// LoaderArrow builds Arrow record batches (arrow/go/v17) and inserts them through a DuckDB Arrow
	// scan (go-duckdb's Arrow.RegisterView).
	LoaderArrow
	// LoaderAppender appends row by row through DuckDB's Appender.
	LoaderAppender
)

func (l Loader) String() string {
	return [...]string{"default", "arrow", "appender"}[l]
}

// DefaultLoader is the loader used when Options.Loader is LoaderDefault. Since files stream through in
// chunks (load.go), the two are close: on the 200,000-row benchmark (ingest/README.md) the Appender
// used ~10% less CPU time and ~20–30 MB less peak memory, the Arrow scan finished ~1–2% sooner by
// the wall clock. CPU time is the measure the benchmarks are judged by, so the Appender is the default;
// the Arrow path stays tested (TestLoadersAgree, TestArrowLoadMemoryFlat) and selectable.
const DefaultLoader = LoaderAppender

func (l Loader) resolve() Loader {
	if l == LoaderDefault {
		return DefaultLoader
	}
	return l
}

// arrowBatchRows is the number of rows per record batch. The batches are built lazily while DuckDB
// scans (see batchReader), so at most one or two batches of Arrow memory exist at a time.
const arrowBatchRows = 8192

// The two landing tables as Arrow schemas, built once: the column order and types of
// internal/warehouse/migrations/0003_raw.sql.
var (
	rowsSchema = arrow.NewSchema([]arrow.Field{
		{Name: "submission_id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "sheet", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "row_number", Type: arrow.PrimitiveTypes.Int32},
		{Name: "cells", Type: arrow.BinaryTypes.String},
		{Name: "status", Type: arrow.BinaryTypes.String},
	}, nil)
	laporanSchema = func() *arrow.Schema {
		fs := []arrow.Field{
			{Name: "submission_id", Type: arrow.PrimitiveTypes.Int64},
			{Name: "sheet", Type: arrow.BinaryTypes.String, Nullable: true},
			{Name: "row_number", Type: arrow.PrimitiveTypes.Int32},
		}
		for _, f := range fields.All() {
			fs = append(fs, arrow.Field{Name: f.Name, Type: arrowType(f.Kind), Nullable: true})
		}
		return arrow.NewSchema(fs, nil)
	}()
)

func arrowType(k fields.Kind) arrow.DataType {
	switch k {
	case fields.Count, fields.Year:
		return arrow.PrimitiveTypes.Int32
	case fields.Money:
		return &arrow.Decimal128Type{Precision: 18, Scale: 2}
	case fields.Ratio:
		return arrow.PrimitiveTypes.Float64
	case fields.Date:
		return arrow.FixedWidthTypes.Date32
	}
	return arrow.BinaryTypes.String
}

// appendRowsArrow loads raw.rows and raw.laporan from Arrow record batches through f's views.
func appendRowsArrow(ctx context.Context, conn *sql.Conn, f *feeder, id int64, recs []*Record, status []rowStatus) error {
	all := make([]int, len(recs))
	var accepted []int
	for i := range recs {
		all[i] = i
		if status[i] == rowAccepted {
			accepted = append(accepted, i)
		}
	}
	var cells []byte
	f.rows.load(all, func(b *array.RecordBuilder, i int) {
		r := recs[i]
		cells = r.appendCellsJSON(cells[:0])
		b.Field(0).(*array.Int64Builder).Append(id)
		b.Field(1).(*array.StringBuilder).Append(r.Sheet)
		b.Field(2).(*array.Int32Builder).Append(int32(r.Row))
		b.Field(3).(*array.StringBuilder).BinaryBuilder.Append(cells)
		b.Field(4).(*array.StringBuilder).Append(status[i].String())
	})
	if err := insertArrow(ctx, conn, f.rows, "raw.rows"); err != nil {
		return fmt.Errorf("raw.rows: %w", err)
	}
	if len(accepted) == 0 {
		return nil
	}
	// Only the fields some accepted row of this load has are filled row by row; the rest (most of
	// raw.laporan's 70-odd columns for a typical file) are appended as one run of nulls per batch.
	present := make([]bool, len(fieldKinds))
	for _, i := range accepted {
		for _, fv := range recs[i].vals {
			present[fv.idx] = true
		}
	}
	var idx []int // fields.All() indexes loaded
	for j, p := range present {
		if p {
			idx = append(idx, j)
		}
	}
	var dense []any
	f.laporan.load(accepted, func(b *array.RecordBuilder, i int) {
		r := recs[i]
		dense = r.Values(dense)
		b.Field(0).(*array.Int64Builder).Append(id)
		b.Field(1).(*array.StringBuilder).Append(r.Sheet)
		b.Field(2).(*array.Int32Builder).Append(int32(r.Row))
		for _, j := range idx {
			appendValue(b.Field(3+j), dense[j], fieldKinds[j])
		}
	})
	f.laporan.absent = f.laporan.absent[:0]
	for j, p := range present {
		if !p {
			f.laporan.absent = append(f.laporan.absent, 3+j)
		}
	}
	if err := insertArrow(ctx, conn, f.laporan, "raw.laporan"); err != nil {
		return fmt.Errorf("raw.laporan: %w", err)
	}
	return nil
}

// appendValue appends one parsed value (nil, string, int64 or time.Time; see Record) to the builder
// of its field's kind.
func appendValue(b array.Builder, v any, k fields.Kind) {
	switch x := v.(type) {
	case nil:
		b.AppendNull()
		return
	case int64:
		switch k {
		case fields.Money:
			b.(*array.Decimal128Builder).Append(decimal128.FromI64(x)) // cents, scale 2
			return
		case fields.Ratio:
			b.(*array.Float64Builder).Append(float64(x) / 100)
			return
		case fields.Count, fields.Year:
			b.(*array.Int32Builder).Append(int32(x))
			return
		}
	case time.Time:
		if k == fields.Date {
			b.(*array.Date32Builder).Append(arrow.Date32FromTime(x))
			return
		}
	case string:
		if sb, ok := b.(*array.StringBuilder); ok {
			sb.Append(x)
			return
		}
	}
	// A value whose Go type does not fit the column kind is a programming error in parseRow; store it
	// as text where the column is text, otherwise as NULL rather than a wrong number.
	if sb, ok := b.(*array.StringBuilder); ok {
		sb.Append(fmt.Sprint(v))
		return
	}
	b.AppendNull()
}

// A feeder is a pair of Arrow views registered once on one DuckDB connection, one per landing
// table, each over a batchReader that is re-armed with the rows of every load.
//
// Why once per connection: go-duckdb v1.8's RegisterView leaks on every call. Its release() frees the
// C stream struct without calling the stream's release callback, so the exported reader is never
// released (go-duckdb #437, fixed upstream only with arrow-go v18.4, which v1.8.2 cannot use); and
// each registration also leaves C memory behind in proportion to the schema's width (measured here:
// about 0.7 KB per column, ~50 KB for raw.laporan's 73 columns, whether or not the view is scanned or
// dropped). One registration per file would grow a long-running `pantau serve` by that much per
// upload. A view registered once is re-scanned by every INSERT … SELECT: DuckDB asks the stream for
// its schema at bind and for batches during the scan, and the reader answers with the current load's
// rows, then end-of-stream. Memory stays flat over thousands of loads (TestArrowLoadMemoryFlat).
type feeder struct {
	rows, laporan *batchReader
}

var (
	feedersMu sync.Mutex
	feeders   = map[driver.Conn]*feeder{}
)

// maxFeeders bounds the registry: database/sql may close idle connections and open new ones, and the
// registry cannot tell a closed connection. Forgetting the old entries costs one registration each.
const maxFeeders = 32

// feederFor returns conn's feeder, registering its views on first use. It must run outside a
// transaction, or a rollback would take the views with it.
func feederFor(conn *sql.Conn) (*feeder, error) {
	var f *feeder
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("arrow: unexpected driver connection %T", dc)
		}
		feedersMu.Lock()
		defer feedersMu.Unlock()
		if f = feeders[c]; f != nil {
			return nil
		}
		ar, err := duckdb.NewArrowFromConn(c)
		if err != nil {
			return err
		}
		nf := &feeder{
			rows:    newBatchReader(rowsSchema, "pantau_arrow_raw_rows"),
			laporan: newBatchReader(laporanSchema, "pantau_arrow_raw_laporan"),
		}
		// The release functions are deliberately not called: the views live as long as the
		// connection and DuckDB keeps a pointer to the streams.
		for _, rd := range []*batchReader{nf.rows, nf.laporan} {
			if _, err := ar.RegisterView(rd, rd.view); err != nil {
				return fmt.Errorf("arrow view %s: %w", rd.view, err)
			}
		}
		if len(feeders) >= maxFeeders {
			clear(feeders)
		}
		feeders[c] = nf
		f = nf
		return nil
	})
	return f, err
}

// insertArrow copies rd's current load into table with an explicit column list, inside the caller's
// transaction, and checks that DuckDB read every row.
func insertArrow(ctx context.Context, conn *sql.Conn, rd *batchReader, table string) error {
	defer rd.drop()
	// Every column of the view is selected: go-duckdb v1.8's Arrow scan does not honour DuckDB's
	// projection pushdown (selecting a subset read the wrong arrays), so absent columns travel as
	// runs of nulls.
	cols := make([]string, len(rd.schema.Fields()))
	for i, f := range rd.schema.Fields() {
		cols[i] = warehouse.QuoteIdent(f.Name)
	}
	list := strings.Join(cols, ", ")
	q := fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s", warehouse.QuoteTable(table), list, list, warehouse.QuoteIdent(rd.view))
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return err
	}
	if rd.pos != len(rd.rows) {
		return fmt.Errorf("arrow: DuckDB read %d of %d rows", rd.pos, len(rd.rows))
	}
	return nil
}

// batchReader is an array.RecordReader that builds each record batch when DuckDB asks for it, from
// the rows of the current load (indexes into the caller's records) through fill. Between loads it holds
// no data. Retain/Release are no-ops: the reader lives as long as its connection's view.
type batchReader struct {
	schema *arrow.Schema
	view   string
	rows   []int
	fill   func(b *array.RecordBuilder, i int)
	// absent columns are not filled row by row; each batch carries them as one run of nulls (the
	// view's schema is fixed: see feeder).
	absent []int
	pos    int
	cur    arrow.Record
}

func newBatchReader(s *arrow.Schema, view string) *batchReader {
	return &batchReader{schema: s, view: view}
}

// load arms the reader with the next load's rows.
func (r *batchReader) load(rows []int, fill func(b *array.RecordBuilder, i int)) {
	r.drop()
	r.rows, r.fill, r.pos = rows, fill, 0
}

func (r *batchReader) Retain()               {}
func (r *batchReader) Release()              {}
func (r *batchReader) Schema() *arrow.Schema { return r.schema }
func (r *batchReader) Record() arrow.Record  { return r.cur }
func (r *batchReader) Err() error            { return nil }

func (r *batchReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.fill == nil || r.pos >= len(r.rows) {
		return false
	}
	end := min(r.pos+arrowBatchRows, len(r.rows))
	b := array.NewRecordBuilder(memory.DefaultAllocator, r.schema)
	defer b.Release()
	b.Reserve(end - r.pos)
	for _, i := range r.rows[r.pos:end] {
		r.fill(b, i)
	}
	for _, j := range r.absent {
		b.Field(j).AppendNulls(end - r.pos)
	}
	r.cur = b.NewRecord()
	r.pos = end
	return true
}

// drop lets go of the current load: the batch, the row index and the fill function (which holds the
// caller's records).
func (r *batchReader) drop() {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	r.rows, r.fill, r.absent = nil, nil, r.absent[:0]
}
