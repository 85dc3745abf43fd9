package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/ingest/pull"
	"github.com/pantau-koperasi/pantau/internal/pipeline"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

func init() { register(newPullCmd) }

func newPullCmd() *cobra.Command {
	var maxProblems int
	var reset bool
	cmd := &cobra.Command{
		Use:   "pull [SOURCE...]",
		Short: "Tarik laporan dari API aplikasi koperasi yang dikonfigurasi ([[sumber]] di pantau.toml)",
		Long: "Menarik laporan dari setiap sumber HTTP ([[sumber]] di pantau.toml), atau hanya SOURCE yang disebut.\n" +
			"Setiap halaman menjadi satu kiriman (ops.submissions) dan melewati pemeriksaan yang sama dengan berkas XLSX/CSV.\n" +
			"Penarikan yang terputus dilanjutkan dari halaman pertama yang belum dimuat.",
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWS(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			if len(ws.Config.Sumber) == 0 {
				return usagef(say("belum ada sumber: tambahkan blok [[sumber]] di %s/pantau.toml (lihat docs/configuration.md)",
					"no sources: add a [[sumber]] block to %s/pantau.toml (see docs/configuration.md)"), ws.Config.Dir)
			}
			for _, a := range args {
				if _, ok := ws.Config.SumberByName(a); !ok {
					return usageError{&pull.UnknownSourceError{Name: a, Known: sourceNames(ws)}}
				}
			}
			if reset {
				if len(args) == 0 {
					return usagef("%s", say("--reset memerlukan nama sumber", "--reset needs a source name"))
				}
				for _, a := range args {
					if err := pull.ResetState(cmd.Context(), ws.WH, a); err != nil {
						return err
					}
				}
			}
			return pipeline.RunOne(cmd.Context(), ws, "cli", pipeline.Pull, func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
				res, err := pull.All(ctx, ws, args, pull.Options{OnPage: func(p pull.PageResult) {
					printSummary(cmd.OutOrStdout(), p.Summary, maxProblems)
				}})
				return printPullTotals(cmd.OutOrStdout(), res), err
			})
		},
	}
	cmd.Flags().IntVar(&maxProblems, "max-problems", 20, "jumlah masalah per halaman yang ditampilkan")
	cmd.Flags().BoolVar(&reset, "reset", false, "lupakan posisi dan watermark sumber: tarik semuanya dari awal")
	return cmd
}

// printPullTotals prints one line per source and returns the rows accepted.
func printPullTotals(w io.Writer, res []*pull.Result) int64 {
	var n int64
	for _, r := range res {
		if r == nil {
			continue
		}
		state := say("selesai", "complete")
		if !r.Complete {
			state = say("belum selesai (dilanjutkan pada penarikan berikutnya)", "incomplete (resumes on the next pull)")
		}
		resumed := ""
		if r.Resumed {
			resumed = say(", melanjutkan penarikan sebelumnya", ", resumed an earlier pull")
		}
		fmt.Fprintf(w, say("Sumber %s: %d halaman, %d baris dibaca, %d diterima, %d karantina, %d duplikat — %s%s (%.1f dtk)\n",
			"Source %s: %d pages, %d rows read, %d accepted, %d quarantined, %d duplicate — %s%s (%.1f s)\n"),
			r.Source, len(r.Pages), r.RowsRead, r.Accepted, r.Quarantined, r.Duplicate, state, resumed, r.Duration.Seconds())
		n += int64(r.Accepted)
	}
	return n
}

func sourceNames(ws *workspace.Workspace) []string {
	var out []string
	for _, s := range ws.Config.Sumber {
		out = append(out, s.Nama)
	}
	return out
}
