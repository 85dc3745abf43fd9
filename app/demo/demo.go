// Package demo runs the demo: the generated province (internal/demo) written to the inbox, a
// simulated cooperative app pulled over HTTP, and the whole pipeline of package app on them.
package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/ingest/pull"
	"github.com/pantau-koperasi/pantau/internal/config"
	gen "github.com/pantau-koperasi/pantau/internal/demo"
	"github.com/pantau-koperasi/pantau/internal/runs"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// Options of the generator (seed, size, province, the demo's "today").
type Options = gen.Options

// Dataset is a generated demo jurisdiction.
type Dataset = gen.Dataset

// Result of a demo run.
type Result struct {
	Koperasi int
	Files    []string
	Public   string
}

// Run generates the demo files into the workspace's inbox and runs the whole pipeline on them:
// inbox → (pull, when available) → transform → score → publish.
func Run(ctx context.Context, ws *workspace.Workspace, o Options, out io.Writer) (*Result, error) {
	if o.AsOf.IsZero() {
		o.AsOf = app.AsOf(ws.Config.Location())
	}
	start := time.Now()
	d, err := gen.Generate(o)
	if err != nil {
		return nil, err
	}
	files, err := d.WriteFiles(ws.Config.Abs(ws.Config.Paths.Inbox), o.Seed)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "Demo %s: %d koperasi, %d berkas di inbox/ (%.1f dtk)\n", d.Provinsi.Nama, len(d.Koperasi), len(files), time.Since(start).Seconds())
	var accepted, quarantined, dup int
	err = runs.One(ctx, ws, "demo", app.Inbox, func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
		// The demo wrote these files itself a moment ago: no quiet period to wait for.
		sums, err := app.IngestInboxWith(ctx, ws, app.InboxOptions{Quiet: -1})
		for _, s := range sums {
			accepted += s.Accepted
			quarantined += s.Quarantined
			if s.Status == ingest.StatusDuplikat {
				dup++
			}
		}
		return int64(accepted), err
	})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "Ingest: %d baris diterima, %d baris karantina, %d berkas duplikat diabaikan\n", accepted, quarantined, dup)
	if err := backdate(ctx, ws, files, o.Seed, time.Now().UTC()); err != nil {
		return nil, err
	}
	if err := pullApp(ctx, ws, d, out); err != nil {
		return nil, err
	}
	if err := app.Stages().Run(ctx, ws, "demo", app.Transform, app.Score, app.Publish); err != nil {
		return nil, err
	}
	return &Result{Koperasi: len(d.Koperasi), Files: files, Public: ws.Config.Abs(ws.Config.Paths.Public)}, nil
}

// pullApp starts the simulated cooperative app, adds it as a source of this run, and pulls it through
// the pipeline's pull stage (recorded in ops.runs like any pull). Sources of pantau.toml, if any,
// are pulled too, as `pantau run` would.
func pullApp(ctx context.Context, ws *workspace.Workspace, d *Dataset, out io.Writer) error {
	srv, src, n, err := startApp(d)
	if err != nil {
		return fmt.Errorf("aplikasi simulasi: %w", err)
	}
	defer srv.Close()
	saved := ws.Config.Sumber
	ws.Config.Sumber = append(append([]config.Sumber(nil), saved...), src)
	defer func() { ws.Config.Sumber = saved }()
	fmt.Fprintf(out, "Aplikasi KSP (simulasi, di loopback): %d laporan tahun buku %d; [[sumber]] %q, paginasi %s, %d per halaman\n",
		n, d.LastYear, src.Nama, src.Paginasi, src.UkuranHalaman)
	var res []*pull.Result
	err = runs.One(ctx, ws, "demo", app.Pull, func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
		var err error
		res, err = pull.All(ctx, ws, nil, pull.Options{})
		var rows int64
		for _, r := range res {
			if r != nil {
				rows += int64(r.Accepted)
			}
		}
		return rows, err
	})
	for _, r := range res {
		if r == nil {
			continue
		}
		retried := 0
		for _, p := range r.Pages {
			retried += p.Attempts - 1
		}
		fmt.Fprintf(out, "Pull %s: %d halaman (%d dicoba ulang), %d baris dibaca, %d diterima, %d karantina\n",
			r.Source, len(r.Pages), retried, r.RowsRead, r.Accepted, r.Quarantined)
	}
	return err
}
