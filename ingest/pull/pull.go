// Package pull loads reports from the HTTP APIs of cooperatives' apps ([[sumber]] in pantau.toml).
//
// Each page of a source is one submission: its body is kept in raw.api_pages, and its records are
// mapped to canonical fields (mapping.go) and handed to ingest.Process — the same validation,
// provenance and quarantine as a spreadsheet row. The position of the pull and the source's
// incremental watermark are saved in the transaction of the page they follow (state.go), so an
// interrupted pull resumes at the first page not loaded: nothing lost, nothing loaded twice.
package pull

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// Options of a pull.
type Options struct {
	Client *http.Client // nil: a default client (the per-request timeout comes from the source)
	Clock  Clock        // nil: the wall clock
	Log    *slog.Logger
	// DryRun fetches the first page, maps and validates it, and writes nothing (pantau sources test).
	DryRun bool
	// OnPage is called after each page is handled.
	OnPage func(PageResult)
	// inTxHook runs inside each page's transaction after the state is saved (tests inject a
	// failure there to prove a page and its cursor commit together).
	inTxHook func(page int) error
}

// PageResult is what happened to one page.
type PageResult struct {
	Page     int             `json:"page"`
	URL      string          `json:"url"`
	Records  int             `json:"records"`
	Attempts int             `json:"attempts"`
	Summary  *ingest.Summary `json:"summary"`
}

// Result of pulling one source.
type Result struct {
	Source      string        `json:"source"`
	Pages       []PageResult  `json:"pages"`
	Resumed     bool          `json:"resumed"`  // continued a pull that stopped before its last page
	Complete    bool          `json:"complete"` // reached the last page
	RowsRead    int           `json:"rows_read"`
	Accepted    int           `json:"rows_accepted"`
	Quarantined int           `json:"rows_quarantined"`
	Duplicate   int           `json:"rows_duplicate"`
	Watermark   string        `json:"watermark"`
	Duration    time.Duration `json:"duration_ns"`
	// For a dry run: the records of the page and their inputs, to show how they map.
	Records []any          `json:"-"`
	Inputs  []ingest.Input `json:"-"`
}

var (
	locksMu sync.Mutex
	locks   = map[string]*sync.Mutex{}
)

// lockFor serialises pulls of one source within the process (the server's schedule and a manual
// pull must not interleave pages of the same source).
func lockFor(name string) *sync.Mutex {
	locksMu.Lock()
	defer locksMu.Unlock()
	if m, ok := locks[strings.ToLower(name)]; ok {
		return m
	}
	m := &sync.Mutex{}
	locks[strings.ToLower(name)] = m
	return m
}

// SourceKey is the ops.submissions.source of a pulled page.
func SourceKey(name string) string { return "api:" + name }

// Pull loads every page of one source that is new since its watermark, or resumes a pull in progress.
func Pull(ctx context.Context, ws *workspace.Workspace, src *config.Sumber, opt Options) (*Result, error) {
	start := time.Now()
	if opt.Log == nil {
		opt.Log = ws.Log
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	mu := lockFor(src.Nama)
	mu.Lock()
	defer mu.Unlock()
	res := &Result{Source: src.Nama}
	defer func() { res.Duration = time.Since(start) }()
	m, err := NewMapping(src)
	if err != nil {
		return res, err
	}
	st, err := LoadState(ctx, ws.WH, src.Nama)
	if err != nil {
		return res, fmt.Errorf("sumber %q: membaca posisi penarikan: %w", src.Nama, err)
	}
	pos, since, page, maxSeen := first(src), st.Watermark, 0, ""
	if st.InProgress() {
		pos, since, page, maxSeen = *st.Next, st.RunSince, st.RunPage, st.RunMaxSeen
		res.Resumed = true
		opt.Log.Info("pull: resuming", "source", src.Nama, "after_page", page)
	}
	res.Watermark = st.Watermark
	if u, err := url.Parse(src.URL); err == nil && u.Scheme == "http" && src.Auth != "none" && !loopback(u.Hostname()) {
		opt.Log.Warn("pull: credentials sent without TLS; use https", "source", src.Nama, "host", u.Host)
	}
	f := newFetcher(src, opt.Client, opt.Clock, opt.Log)
	var prevHash [32]byte
	for n := 0; ; n++ {
		if n >= src.MaxHalaman {
			opt.Log.Warn("pull: page limit reached; the next pull continues", "source", src.Nama, "max_halaman", src.MaxHalaman)
			break
		}
		u, err := pageURL(src, pos, since)
		if err != nil {
			return res, err
		}
		resp, err := f.get(ctx, u)
		if err != nil {
			return res, err
		}
		body, err := Decode(resp.Body)
		if err != nil {
			return res, fmt.Errorf("sumber %q: halaman %s bukan JSON yang sah (%v); tidak ada yang dimuat, penarikan berikutnya mencoba halaman ini lagi", src.Nama, u, err)
		}
		recs, err := items(src, body)
		if err != nil {
			return res, fmt.Errorf("sumber %q: halaman %s: %w; tidak ada yang dimuat", src.Nama, u, err)
		}
		page++
		h := sha256.Sum256(resp.Body)
		// A source that ignores the paging parameters answers the same page for ever.
		if len(recs) > 0 && h == prevHash {
			return res, fmt.Errorf("sumber %q memberi halaman yang sama dua kali berturut-turut (%s); periksa page_param/offset_param/size_param", src.Nama, u)
		}
		prevHash = h
		seen := maxSeen
		if src.SinceField != "" {
			for _, r := range recs {
				if v, err := textAt(r, src.SinceField); err == nil {
					seen = later(seen, v)
				}
			}
		}
		nextPos, more, err := next(src, pos, body, len(recs), resp.Header.Get("Link"), u)
		if err != nil {
			return res, err
		}
		now := time.Now()
		ns := State{Source: src.Nama, Watermark: st.Watermark, LastOK: st.LastOK}
		if more {
			ns.RunSince, ns.Next, ns.RunPage, ns.RunMaxSeen = since, &nextPos, page, seen
		} else {
			ns.Watermark = later(st.Watermark, seen)
			ns.LastOK = &now
		}
		b := &ingest.Batch{Source: SourceKey(src.Nama), Filename: u, Size: int64(len(resp.Body)), Kind: ingest.KindLaporan,
			RawJSON: string(resp.Body), Labels: m.Labels(), Unrecognised: m.Unmapped(recs, src.SinceField)}
		b.SHA256 = hex.EncodeToString(h[:])
		sheet := fmt.Sprintf("halaman %d", page)
		for i, r := range recs {
			b.Inputs = append(b.Inputs, m.Map(r, sheet, i+1))
		}
		sum := &ingest.Summary{File: u, SHA256: b.SHA256, Kind: b.Kind.String()}
		pstart := time.Now()
		pr := PageResult{Page: page, URL: u, Records: len(recs), Attempts: resp.Attempts, Summary: sum}
		if opt.DryRun {
			err := ingest.Process(ctx, ws, b, ingest.Options{DryRun: true, Source: b.Source}, sum)
			sum.Duration = time.Since(pstart)
			res.Records, res.Inputs = recs, b.Inputs
			res.add(pr)
			if opt.OnPage != nil {
				opt.OnPage(pr)
			}
			return res, err
		}
		prev, err := ingest.FindSubmission(ctx, ws.WH.DB(), b.SHA256)
		if err != nil {
			return res, err
		}
		switch {
		case len(recs) == 0 || prev > 0:
			// Nothing to load: an empty last page, or a page received before byte for byte. Only
			// the position moves.
			if prev > 0 {
				sum.SubmissionID, sum.Status = prev, ingest.StatusDuplikat
				sum.Message = fmt.Sprintf("halaman yang sama persis sudah diterima sebagai kiriman #%d; tidak ada yang berubah", prev)
			} else {
				sum.Status = ingest.StatusKosong
				sum.Message = "halaman tanpa rekaman"
			}
			if err := ws.WH.Write(ctx, func(tx *sql.Tx) error { return ns.save(ctx, tx, now) }); err != nil {
				return res, fmt.Errorf("sumber %q: menyimpan posisi: %w", src.Nama, err)
			}
		default:
			err := ingest.Process(ctx, ws, b, ingest.Options{Source: b.Source, ReceivedBy: "pull",
				InTx: func(ctx context.Context, conn *sql.Conn, id int64) error {
					if err := ns.save(ctx, conn, now); err != nil {
						return fmt.Errorf("menyimpan posisi penarikan: %w", err)
					}
					if opt.inTxHook != nil {
						return opt.inTxHook(page)
					}
					return nil
				}}, sum)
			if err != nil {
				return res, fmt.Errorf("sumber %q: %w", src.Nama, err)
			}
		}
		sum.Duration = time.Since(pstart)
		res.add(pr)
		if opt.OnPage != nil {
			opt.OnPage(pr)
		}
		st, maxSeen = ns, seen
		res.Watermark = ns.Watermark
		if !more {
			res.Complete = true
			break
		}
		pos = nextPos
	}
	return res, nil
}

func (r *Result) add(p PageResult) {
	r.Pages = append(r.Pages, p)
	r.RowsRead += p.Summary.RowsRead
	r.Accepted += p.Summary.Accepted
	r.Quarantined += p.Summary.Quarantined
	r.Duplicate += p.Summary.Duplicate
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// All pulls the named sources (every configured one when names is empty). A source that fails does
// not stop the others; the errors are joined.
func All(ctx context.Context, ws *workspace.Workspace, names []string, opt Options) ([]*Result, error) {
	var srcs []*config.Sumber
	if len(names) == 0 {
		for i := range ws.Config.Sumber {
			srcs = append(srcs, &ws.Config.Sumber[i])
		}
	}
	for _, n := range names {
		s, ok := ws.Config.SumberByName(n)
		if !ok {
			return nil, &UnknownSourceError{Name: n, Known: sourceNames(ws.Config)}
		}
		srcs = append(srcs, s)
	}
	var out []*Result
	var errs []error
	for _, s := range srcs {
		if ctx.Err() != nil {
			errs = append(errs, ctx.Err())
			break
		}
		r, err := Pull(ctx, ws, s, opt)
		out = append(out, r)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// UnknownSourceError: pantau pull NAME for a name not in pantau.toml.
type UnknownSourceError struct {
	Name  string
	Known []string
}

func (e *UnknownSourceError) Error() string {
	if len(e.Known) == 0 {
		return fmt.Sprintf("sumber %q tidak ada: belum ada [[sumber]] di pantau.toml", e.Name)
	}
	return fmt.Sprintf("sumber %q tidak ada di pantau.toml (yang ada: %s)", e.Name, strings.Join(e.Known, ", "))
}

func sourceNames(c *config.Config) []string {
	var out []string
	for _, s := range c.Sumber {
		out = append(out, s.Nama)
	}
	return out
}
