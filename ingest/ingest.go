// Package ingest takes spreadsheets (XLSX, CSV) and API batches into the warehouse: every row is kept
// in raw with its provenance, rows that fail validation go to ops.quarantine with a reason in Bahasa
// Indonesia, and the same file twice changes nothing.
//
// The path of a spreadsheet row: source (xlsx_rows.go, csv.go) → header detection on the top of
// each sheet (stream.go, header.go) → parseRow/validate (record.go, values.go, codes.go) → written in
// chunks inside the file's one transaction (load.go); see README.md.
package ingest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pantau-koperasi/pantau/internal/fields"
	"github.com/pantau-koperasi/pantau/internal/wilayah"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// Kind is what a submission holds.
type Kind int

const (
	// KindLaporan: annual reports, one row per cooperative per tahun buku.
	KindLaporan Kind = iota
	// KindRegistrasi: the office's register of cooperatives (identity only, no tahun buku).
	KindRegistrasi
)

func (k Kind) String() string {
	if k == KindRegistrasi {
		return "registrasi"
	}
	return "laporan"
}

// Status of a submission: what became of a file, a pulled page or a pushed batch as a whole. String
// is the word in Summary.Status, the JSON of `pantau ingest --json` and the push API, and, for the
// words Stored lists, ops.submissions.status; Label is what people read. (A row's fate is another
// vocabulary: rowStatus in load.go, raw.rows.status. A reviewer's verdict on a held load is a third:
// transform.ReviewStatus, ops.load_reviews.status. docs/GLOSSARY.md tells the three apart.)
type Status string

const (
	StatusDiterima Status = "diterima" // loaded (possibly with quarantined rows); stored
	StatusDuplikat Status = "duplikat" // the same bytes were received before: nothing done; not stored
	StatusDitolak  Status = "ditolak"  // the file as a whole could not be read; stored, with the reason in message
	StatusUji      Status = "uji"      // dry run: nothing written
	StatusKosong   Status = "kosong"   // a pulled page without records: only the pull cursor moves; not stored
)

// Statuses lists every submission status.
var Statuses = []Status{StatusDiterima, StatusDuplikat, StatusDitolak, StatusUji, StatusKosong}

// Stored lists the statuses written to ops.submissions.status (0002_ops.sql lists the same words).
// The others are answers to the caller only: a duplicate points at the earlier submission, a dry
// run and an empty page write nothing.
var Stored = []Status{StatusDiterima, StatusDitolak}

func (s Status) String() string { return string(s) }

// Label is the status as people read it, in Bahasa Indonesia.
func (s Status) Label() string {
	switch s {
	case StatusDiterima:
		return "Diterima"
	case StatusDuplikat:
		return "Sudah pernah diterima"
	case StatusDitolak:
		return "Ditolak"
	case StatusUji:
		return "Uji coba, tidak disimpan"
	case StatusKosong:
		return "Halaman kosong"
	}
	return string(s)
}

// ParseStatus reads a submission status as written in Summary.Status or ops.submissions.status.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if s == string(st) {
			return st, nil
		}
	}
	return "", fmt.Errorf("status kiriman %q tidak dikenal", s)
}

// Options of one ingest.
type Options struct {
	DryRun     bool
	Source     string // "file", "upload", "inbox", "demo", "api:<name>", "push"
	ReceivedBy string
	Filename   string // original name when the path is a temporary file
	// Progress, when set, is called now and then while a file is read with the rows read so far
	// (the CLI draws a progress bar from it on a terminal).
	Progress func(rows int)
	// Loader picks how rows reach DuckDB; the zero value is DefaultLoader.
	Loader Loader
	// InTx, when set, runs inside the load's transaction after the rows are written: API ingest saves
	// its pull cursor or idempotency record there, so they commit together with the rows or not at all.
	InTx func(ctx context.Context, conn *sql.Conn, submissionID int64) error
}

// Summary is what happened to one file.
type Summary struct {
	SubmissionID int64         `json:"submission_id"`
	File         string        `json:"file"`
	SHA256       string        `json:"sha256"`
	Kind         string        `json:"kind"`
	Status       Status        `json:"status"` // stored and printed as its word (Status.String()); see Statuses
	RowsRead     int           `json:"rows_read"`
	Accepted     int           `json:"rows_accepted"`
	Quarantined  int           `json:"rows_quarantined"`
	Duplicate    int           `json:"rows_duplicate"`
	Skipped      int           `json:"rows_skipped"`
	Unrecognised []string      `json:"unrecognised_columns"`
	Problems     []Problem     `json:"problems"`
	Warnings     []string      `json:"warnings"`
	Message      string        `json:"message,omitempty"`
	Duration     time.Duration `json:"duration_ns"`
	// RowStatus is, per input row in order, accepted, quarantined, duplicate or skipped (the push
	// API answers per row from it).
	RowStatus []string `json:"-"`
}

// Batch is a parsed submission, ready to validate and load: the common path of files and API pages.
type Batch struct {
	Source, Filename, SHA256 string
	Size                     int64
	Kind                     Kind
	Inputs                   []Input
	RawJSON                  string // API batches keep their body
	Unrecognised             []string
	Warnings                 []string
	TahunBySheet             map[string]int
	Date1904                 bool
	Labels                   map[string]string // canonical field → header as written
}

// IngestFile reads, validates and loads one file. A file that cannot be read at all returns a
// Summary with status ditolak and the error, and is recorded in ops.submissions so it is not lost.
func IngestFile(ctx context.Context, ws *workspace.Workspace, path string, opt Options) (*Summary, error) {
	start := time.Now()
	name := opt.Filename
	if name == "" {
		name = filepath.Base(path)
	}
	if opt.Source == "" {
		opt.Source = "file"
	}
	sum := &Summary{File: name, Kind: KindLaporan.String()}
	hash, size, err := fileHash(path)
	if err != nil {
		sum.Status = StatusDitolak
		sum.Message = "berkas tidak dapat dibaca: " + err.Error()
		return sum, &FileError{File: name, Msg: "berkas tidak dapat dibaca", Err: err}
	}
	sum.SHA256 = hash
	if prev, err := FindSubmission(ctx, ws.WH.DB(), hash); err != nil {
		return sum, err
	} else if prev > 0 {
		received(sum, prev)
		sum.Duration = time.Since(start)
		return sum, nil
	}
	reject := func(err error) (*Summary, error) {
		*sum = Summary{File: name, SHA256: hash, Kind: sum.Kind, Status: StatusDitolak, Message: errDetail(err)}
		if !opt.DryRun {
			id, rerr := recordRejected(ctx, ws, opt, name, hash, size, err.Error())
			sum.SubmissionID = id
			err = errors.Join(err, rerr)
		}
		sum.Duration = time.Since(start)
		return sum, err
	}
	p, cleanup, err := openPlan(path, name, ws, opt.Progress)
	if err != nil {
		return reject(err)
	}
	defer cleanup()
	b := p.batch
	b.Source, b.SHA256, b.Size = opt.Source, hash, size
	err = runLoad(ctx, ws, b, opt, sum, true, p.each)
	var fe *FileError
	if errors.As(err, &fe) {
		// The file broke half-way (a corrupt row, a limit): nothing of it was written.
		return reject(err)
	}
	sum.Duration = time.Since(start)
	return sum, err
}

// MarshalJSON writes empty lists as [] rather than null, for --json consumers.
func (s Summary) MarshalJSON() ([]byte, error) {
	type plain Summary
	p := plain(s)
	if p.Unrecognised == nil {
		p.Unrecognised = []string{}
	}
	if p.Problems == nil {
		p.Problems = []Problem{}
	}
	if p.Warnings == nil {
		p.Warnings = []string{}
	}
	return json.Marshal(p)
}

// ReadFile reads a spreadsheet into a Batch, every row in memory (tests and tools; ingest streams).
func ReadFile(path, name string, ws *workspace.Workspace) (*Batch, error) {
	p, cleanup, err := openPlan(path, name, ws, nil)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	return p.collect()
}

// openPlan opens a file (converting a legacy one first) and finds its sheets' headers. cleanup closes
// the file and removes a conversion.
func openPlan(path, name string, ws *workspace.Workspace, progress func(int)) (*filePlan, func(), error) {
	cfg := ws.Config
	kind := name // the name that picks the reader; the batch keeps the original name
	done := func() {}
	if isLegacy(name) {
		conv, cleanup, err := convertLegacy(path, name, cfg.Ingest.LibreOffice)
		if err != nil {
			return nil, nil, err
		}
		path, kind, done = conv, strings.TrimSuffix(name, filepath.Ext(name))+".xlsx", cleanup
	}
	lim := Limits{
		MaxFileBytes:        int64(cfg.Ingest.MaxFileMB) << 20,
		MaxUnzipBytes:       int64(cfg.Ingest.MaxUnzipMB) << 20,
		MaxCompressionRatio: cfg.Ingest.MaxCompressionRatio,
		MaxRows:             cfg.Ingest.MaxRows,
		MaxEmptyRows:        cfg.Ingest.MaxEmptyRows,
		Progress:            progress,
	}
	src, err := openSource(path, kind, lim)
	if err != nil {
		done()
		return nil, nil, err
	}
	p, err := planFile(src, name, overrides(cfg.HeaderMaps), lim)
	if err != nil {
		src.Close()
		done()
		return nil, nil, err
	}
	return p, func() { p.Close(); done() }, nil
}

func overrides(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[fields.NormaliseLabel(k)] = v
	}
	return out
}

// GridsToBatch turns sheets already read into a batch of inputs keyed by canonical field (the fuzzer
// and tests; files stream through planFile and filePlan.each, which this uses).
func GridsToBatch(grids []Grid, name string, over map[string]string) (*Batch, error) {
	src := gridSource{grids: grids}
	p, err := planFile(src, name, over, Limits{})
	if err != nil {
		return nil, err
	}
	defer p.Close()
	return p.collect()
}

func setLabel(b *Batch, field, label string) {
	if b.Labels == nil {
		b.Labels = map[string]string{}
	}
	if _, ok := b.Labels[field]; !ok {
		b.Labels[field] = label
	}
}

func fileHash(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// resolverCache keeps one resolver per jurisdiction: building it reads 90k regions.
var (
	resolverMu    sync.Mutex
	resolverCache = map[string]*wilayah.Resolver{}
)

func resolverFor(scope string) (*wilayah.Resolver, error) {
	resolverMu.Lock()
	defer resolverMu.Unlock()
	if r, ok := resolverCache[scope]; ok {
		return r, nil
	}
	r, err := wilayah.NewResolver(scope)
	if err != nil {
		return nil, err
	}
	resolverCache[scope] = r
	return r, nil
}
