package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/ingest/pull"
	"github.com/pantau-koperasi/pantau/internal/runs"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

func init() { register(newPullCmd) }

func newPullCmd() *cobra.Command {
	var maxProblems int
	var reset, asJSON bool
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
				// A workspace without sources is a state of its configuration, not bad usage: exit 1.
				return fmt.Errorf(say("belum ada sumber: tambahkan blok [[sumber]] di %s/pantau.toml (lihat docs/configuration.md); untuk mencoba, jalankan `pantau sources sim` di terminal lain",
					"no sources: add a [[sumber]] block to %s/pantau.toml (see docs/configuration.md); to try one, run `pantau sources sim` in another terminal"), ws.Config.Dir)
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
			return runs.One(cmd.Context(), ws, "cli", app.Pull, func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
				opt := pull.Options{}
				if !asJSON {
					opt.OnPage = func(p pull.PageResult) { printPage(cmd.OutOrStdout(), p, maxProblems) }
				}
				res, err := pull.All(ctx, ws, args, opt)
				if asJSON {
					enc := json.NewEncoder(cmd.OutOrStdout())
					enc.SetIndent("", "  ")
					var n int64
					for _, r := range res {
						if r != nil {
							n += int64(r.Accepted)
						}
					}
					return n, errors.Join(err, enc.Encode(res))
				}
				return printPullTotals(cmd.OutOrStdout(), res), err
			})
		},
	}
	cmd.Flags().IntVar(&maxProblems, "max-problems", 20, "jumlah masalah per halaman yang ditampilkan")
	cmd.Flags().BoolVar(&asJSON, "json", false, "ringkasan dalam JSON")
	cmd.Flags().BoolVar(&reset, "reset", false, "lupakan posisi dan watermark sumber: tarik semuanya dari awal")
	return cmd
}

// printPage is one line per page: what it held and what became of it.
func printPage(w io.Writer, p pull.PageResult, maxProblems int) {
	s := p.Summary
	fmt.Fprintf(w, say("  halaman %d: %d rekaman", "  page %d: %d records"), p.Page, p.Records)
	switch s.Status {
	case "duplikat":
		fmt.Fprintf(w, say(" — sama persis dengan kiriman #%d, dilewati", " — identical to submission #%d, skipped"), s.SubmissionID)
	case "kosong":
	default:
		fmt.Fprintf(w, say(": %d diterima, %d karantina, %d duplikat — kiriman #%d", ": %d accepted, %d quarantined, %d duplicate — submission #%d"),
			s.Accepted, s.Quarantined, s.Duplicate, s.SubmissionID)
	}
	if p.Attempts > 1 {
		fmt.Fprintf(w, say(" (%d percobaan)", " (%d attempts)"), p.Attempts)
	}
	fmt.Fprintf(w, "  %s\n", p.URL)
	if p.Page == 1 && len(s.Unrecognised) > 0 {
		fmt.Fprintf(w, say("    kolom sumber yang tidak dipetakan (diabaikan): %v\n", "    unmapped source fields (ignored): %v\n"), s.Unrecognised)
	}
	for _, x := range s.Warnings {
		fmt.Fprintf(w, say("    peringatan: %s\n", "    warning: %s\n"), x)
	}
	for i, pr := range s.Problems {
		if i >= maxProblems {
			fmt.Fprintf(w, say("    ... dan %d masalah lain (lihat ops.quarantine)\n", "    ... and %d more (see ops.quarantine)\n"), len(s.Problems)-i)
			break
		}
		fmt.Fprintf(w, "    %s\n", pr.String())
	}
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
