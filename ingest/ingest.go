// Package ingest takes spreadsheets (XLSX, CSV) and API batches into the warehouse: every row is kept
// in raw with its provenance, rows that fail validation go to ops.quarantine with a reason in Bahasa
// Indonesia, and the same file twice changes nothing.
//
// The path of a spreadsheet row: reader (xlsx.go, csv.go) → Grid → header detection (header.go) →
// parseRow/validate (record.go, values.go, codes.go) → duplicate check → one transaction (load.go).
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
	"sort"
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

// Status of a submission.
type Status int

const (
	StatusDiterima Status = iota // loaded (possibly with quarantined rows)
	StatusDuplikat               // the same bytes were received before: nothing done
	StatusDitolak                // the file as a whole could not be read
	StatusUji                    // dry run: nothing written
)

func (s Status) String() string {
	return [...]string{"diterima", "duplikat", "ditolak", "uji"}[s]
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
	Status       string        `json:"status"`
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
		sum.Status = StatusDitolak.String()
		sum.Message = "berkas tidak dapat dibaca: " + err.Error()
		return sum, &FileError{File: name, Msg: "berkas tidak dapat dibaca", Err: err}
	}
	sum.SHA256 = hash
	if prev, err := findSubmission(ctx, ws, hash); err != nil {
		return sum, err
	} else if prev > 0 {
		sum.SubmissionID = prev
		sum.Status = StatusDuplikat.String()
		sum.Message = fmt.Sprintf("berkas yang sama persis sudah diterima sebagai kiriman #%d; tidak ada yang berubah", prev)
		sum.Duration = time.Since(start)
		return sum, nil
	}
	b, err := readFile(path, name, ws, opt.Progress)
	if err != nil {
		sum.Status = StatusDitolak.String()
		sum.Message = errDetail(err)
		if !opt.DryRun {
			id, rerr := recordRejected(ctx, ws, opt, name, hash, size, err.Error())
			sum.SubmissionID = id
			err = errors.Join(err, rerr)
		}
		sum.Duration = time.Since(start)
		return sum, err
	}
	b.Source, b.SHA256, b.Size = opt.Source, hash, size
	err = Process(ctx, ws, b, opt, sum)
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

// ReadFile reads a spreadsheet into a Batch (no database access except the region resolver scope).
func ReadFile(path, name string, ws *workspace.Workspace) (*Batch, error) {
	return readFile(path, name, ws, nil)
}

func readFile(path, name string, ws *workspace.Workspace, progress func(int)) (*Batch, error) {
	cfg := ws.Config
	kind := name // the name that picks the reader; the batch keeps the original name
	if isLegacy(name) {
		conv, cleanup, err := convertLegacy(path, name, cfg.Ingest.LibreOffice)
		if err != nil {
			return nil, err
		}
		defer cleanup()
		path, kind = conv, strings.TrimSuffix(name, filepath.Ext(name))+".xlsx"
	}
	rd, err := readerFor(kind)
	if err != nil {
		return nil, err
	}
	lim := Limits{
		MaxFileBytes:        int64(cfg.Ingest.MaxFileMB) << 20,
		MaxUnzipBytes:       int64(cfg.Ingest.MaxUnzipMB) << 20,
		MaxCompressionRatio: cfg.Ingest.MaxCompressionRatio,
		MaxRows:             cfg.Ingest.MaxRows,
		MaxEmptyRows:        cfg.Ingest.MaxEmptyRows,
		Progress:            progress,
	}
	grids, err := rd.Read(path, lim)
	if err != nil {
		return nil, err
	}
	return GridsToBatch(grids, name, overrides(cfg.HeaderMaps))
}

func overrides(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[fields.NormaliseLabel(k)] = v
	}
	return out
}

// GridsToBatch turns sheets into inputs keyed by canonical field. A sheet without a recognisable
// header is reported, not fatal; a file where no sheet has one is refused.
func GridsToBatch(grids []Grid, name string, over map[string]string) (*Batch, error) {
	b := &Batch{Filename: name, TahunBySheet: map[string]int{}}
	hasYear := false
	found := 0
	unknown := map[string]bool{}
	supplement := map[string]bool{}
	total := 0
	for _, g := range grids {
		total += len(g.Rows)
	}
	// One allocation for every row (an Input is ~140 bytes; growing by append would leave up to a
	// quarter of the slice unused and copy it a dozen times on a 200,000-row file).
	b.Inputs = make([]Input, 0, total)
	for gi := range grids {
		g := &grids[gi]
		if g.Date1904 {
			b.Date1904 = true
		}
		lay, ok := detectLayout(g, over)
		if !ok {
			if len(g.Rows) > 0 && g.Sheet != TemplateSheetPetunjuk {
				b.Warnings = append(b.Warnings, fmt.Sprintf("lembar %q dilewati: baris judul kolom (NIK, Nama Koperasi, ...) tidak ditemukan", g.Sheet))
			}
			continue
		}
		found++
		if isSupplement(lay) {
			supplement[g.Sheet] = true
		}
		if g.Truncated != "" {
			b.Warnings = append(b.Warnings, fmt.Sprintf("lembar %q: %s", g.Sheet, g.Truncated))
		}
		for _, u := range lay.Unknown {
			unknown[u] = true
		}
		b.TahunBySheet[g.Sheet] = lay.TahunBuku
		if lay.TahunBuku > 0 {
			hasYear = true
		}
		for _, c := range lay.Columns {
			if c.Field == "tahun_buku" {
				hasYear = true
			}
		}
		width := 0
		for _, row := range g.Rows[lay.DataFrom:] {
			width = max(width, len(row.Cells))
		}
		cols := newColMap(lay, width)
		for _, row := range g.Rows[lay.DataFrom:] {
			in := Input{Sheet: g.Sheet, Row: row.Number, cols: cols, cells: row.Cells, machine: row.Machine}
			if isTotalsRow(row.Cells, lay) {
				in.Totals = true
			}
			b.Inputs = append(b.Inputs, in)
		}
		for _, c := range lay.Columns {
			if c.Field != "" {
				setLabel(b, c.Field, c.Label)
			}
		}
	}
	mergeSupplements(b, supplement)
	if found == 0 {
		return nil, &FileError{File: name, Msg: "tidak ada lembar dengan baris judul kolom yang dikenali (minimal NIK atau Nama Koperasi dan satu kolom lain); pakai templat `pantau template`"}
	}
	if !hasYear {
		b.Kind = KindRegistrasi
	}
	for u := range unknown {
		b.Unrecognised = append(b.Unrecognised, u)
	}
	sort.Strings(b.Unrecognised)
	return b, nil
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
