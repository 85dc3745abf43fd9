package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/pantau-koperasi/pantau/internal/pipeline"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

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
		o.AsOf = pipeline.AsOf()
	}
	start := time.Now()
	d, err := Generate(o)
	if err != nil {
		return nil, err
	}
	files, err := d.WriteFiles(ws.Config.Abs(ws.Config.Paths.Inbox), o.Seed)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "Demo %s: %d koperasi, %d berkas di inbox/ (%.1f dtk)\n", d.Provinsi.Nama, len(d.Koperasi), len(files), time.Since(start).Seconds())
	var accepted, quarantined, dup int
	err = pipeline.RunOne(ctx, ws, "demo", pipeline.Inbox, func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
		sums, err := pipeline.IngestInbox(ctx, ws)
		for _, s := range sums {
			accepted += s.Accepted
			quarantined += s.Quarantined
			if s.Status == "duplikat" {
				dup++
			}
		}
		return int64(accepted), err
	})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "Ingest: %d baris diterima, %d baris karantina, %d berkas duplikat diabaikan\n", accepted, quarantined, dup)
	stages := []pipeline.Stage{pipeline.Transform, pipeline.Score, pipeline.Publish}
	if pipeline.Has(pipeline.Pull) {
		stages = append([]pipeline.Stage{pipeline.Pull}, stages...)
	}
	if err := pipeline.Run(ctx, ws, "demo", stages...); err != nil {
		return nil, err
	}
	return &Result{Koperasi: len(d.Koperasi), Files: files, Public: ws.Config.Abs(ws.Config.Paths.Public)}, nil
}
