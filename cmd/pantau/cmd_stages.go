package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/dashboards"
	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/outpath"
	"github.com/pantau-koperasi/pantau/internal/runs"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/transform"
)

// pipelineStages is the pipeline `pantau run` and the server's jobs run (a test may hold a stage).
var pipelineStages = app.Stages

func init() {
	register(newTransformCmd)
	register(newPublishCmd)
	register(newRunCmd)
}

func newTransformCmd() *cobra.Command {
	var sel []string
	cmd := &cobra.Command{
		Use:   "transform [--select MODEL+]",
		Short: "Bangun lapisan core dan mart dari data mentah (model SQL)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWS(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			return runs.One(cmd.Context(), ws, "cli", app.Transform, func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
				res, err := transform.Run(ctx, ws, sel)
				var n int64
				for _, r := range res {
					switch {
					case r.Gate != nil:
						printGate(cmd.OutOrStdout(), r)
						continue
					case r.Skipped:
						fmt.Fprintf(cmd.OutOrStdout(), say("  %-32s dilewati\n", "  %-32s skipped\n"), r.Model)
					case r.Err != nil:
						fmt.Fprintf(cmd.OutOrStdout(), say("  %-32s GAGAL: %v\n", "  %-32s FAILED: %v\n"), r.Model, r.Err)
					default:
						fmt.Fprintf(cmd.OutOrStdout(), say("  %-32s %8d baris  %6.2f dtk\n", "  %-32s %8d rows  %6.2f s\n"), r.Model, r.Rows, r.Duration.Seconds())
					}
					n += r.Rows
				}
				return n, err
			})
		},
	}
	cmd.Flags().StringSliceVar(&sel, "select", nil, "model yang dijalankan; akhiri dengan + untuk ikut model hilirnya (mis. core.laporan+)")
	return cmd
}

// printGate tells the staff what the data-quality gate decided: checks that failed, loads held for
// review and loads kept out of the marts, each with its reason.
func printGate(w io.Writer, r transform.Result) {
	g := r.Gate
	fmt.Fprintf(w, say("  %-32s %d cek, %d gagal, %d kiriman ditahan  %6.2f dtk\n", "  %-32s %d checks, %d failed, %d loads held  %6.2f s\n"),
		r.Model, len(g.Checks), g.Failed(), len(g.Held)+countBlocked(g), r.Duration.Seconds())
	for _, c := range g.Checks {
		if c.Status == "pass" {
			continue
		}
		fmt.Fprintf(w, say("      cek %-44s %-5s %d baris gagal\n", "      check %-42s %-5s %d failing rows\n"), c.Name, c.Status, c.Failing)
	}
	for _, h := range g.Held {
		fmt.Fprintf(w, "    ! %s\n", h.Message)
	}
	for _, b := range g.Blocked {
		if b.Accepted {
			fmt.Fprintf(w, say("    ~ kiriman #%d gagal cek %s tetapi sudah diterima peninjau; tetap diterbitkan\n",
				"    ~ load #%d fails check %s but a reviewer accepted it; published anyway\n"), b.SubmissionID, b.Check)
			continue
		}
		fmt.Fprintf(w, "    ! %s\n", b.Message)
	}
}

func countBlocked(g *transform.GateReport) int {
	seen := map[int64]bool{}
	for _, b := range g.Blocked {
		if !b.Accepted {
			seen[b.SubmissionID] = true
		}
	}
	return len(seen)
}

func newPublishCmd() *cobra.Command {
	var out string
	var public bool
	cmd := &cobra.Command{
		Use:   "publish [-o DIR]",
		Short: "Terbitkan dasbor statis (bisa dibuka tanpa internet)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// -o is refused (exit 1) before the warehouse is opened when it is the workspace, a folder
			// above it, data/, inbox/, archive/, the warehouse, pantau.toml or someone else's folder.
			// paths.public is checked by the publish itself (as in pantau run and the nightly job).
			if out != "" {
				guard, err := workspaceGuard()
				if err != nil {
					return err
				}
				if _, err := guard.Site(out); err != nil {
					return err
				}
			}
			ws, err := openWS(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			var res dashboards.Result
			err = runs.One(cmd.Context(), ws, "cli", app.Publish, func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
				res, err = dashboards.PublishResult(ctx, ws, dashboards.Options{Dir: out, Public: public})
				return res.Koperasi, err
			})
			if err != nil {
				return err
			}
			versi := say("internal", "internal")
			if public {
				versi = say("publik", "public")
			}
			fmt.Fprintf(cmd.OutOrStdout(), say("Dasbor %s diterbitkan: %s/index.html\n  %d halaman, %d koperasi di direktori, %d berkas, %.1f MB, %.1f dtk\n",
				"Dashboards (%s) published: %s/index.html\n  %d pages, %d cooperatives in the directory, %d files, %.1f MB, %.1f s\n"),
				versi, res.Dir, res.Pages, res.Koperasi, res.Files, float64(res.Bytes)/1e6, res.Duration.Seconds())
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "folder keluaran (bawaan: public/ di workspace)")
	cmd.Flags().BoolVar(&public, "public", false, "versi publik: direktori dan agregat saja, tanpa data pribadi")
	return cmd
}

func newRunCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Jalankan seluruh pipeline: inbox + pull + transform + score + publish",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWS(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			return runPipeline(cmd, ws)
		},
	}
}

// runPipeline runs every stage of the pipeline in order, reporting each inbox file as it is loaded.
func runPipeline(cmd *cobra.Command, ws *workspace.Workspace) error {
	// A site folder in pantau.toml that publish would refuse fails the run before any stage works.
	if err := checkSites(ws); err != nil {
		return err
	}
	p := pipelineStages().With(app.Inbox, func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
		sums, err := app.IngestInbox(ctx, ws)
		var n int64
		for _, s := range sums {
			printSummary(cmd.OutOrStdout(), s, 5)
			n += int64(s.Accepted)
		}
		return n, err
	})
	if err := p.Run(cmd.Context(), ws, "run"); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), say("Selesai. Dasbor: %s\n", "Done. Dashboards: %s\n"), ws.Config.Abs(ws.Config.Paths.Public)+"/index.html")
	return nil
}

// checkSites checks the folders the publish stage replaces: paths.public and publish.publik.
func checkSites(ws *workspace.Workspace) error {
	cfg := ws.Config
	guard := outpath.FromConfig(cfg)
	if _, err := guard.Site(cfg.Abs(cfg.Paths.Public)); err != nil {
		return fmt.Errorf("paths.public di %s: %w", config.FileName, err)
	}
	if cfg.Publish.Publik != "" {
		if _, err := guard.Site(cfg.Abs(cfg.Publish.Publik)); err != nil {
			return fmt.Errorf("publish.publik di %s: %w", config.FileName, err)
		}
	}
	return nil
}
