package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/ingest"
)

func init() { register(newIngestCmd) }

func newIngestCmd() *cobra.Command {
	var dryRun, asJSON bool
	var maxProblems int
	cmd := &cobra.Command{
		Use:   "ingest PATH...",
		Short: "Muat berkas XLSX/CSV (atau folder berisi berkas) ke gudang data",
		Long: "Membaca berkas XLSX/CSV laporan koperasi, memeriksa setiap baris, dan memuat baris yang sah.\n" +
			"Baris yang ditolak masuk karantina (ops.quarantine) dengan alasan; berkas yang sama dua kali tidak mengubah apa pun.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := ingest.ExpandPaths(args)
			if err != nil {
				return usageError{err}
			}
			ws, err := openWS(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			var sums []*ingest.Summary
			failed := 0
			for _, f := range files {
				opt := ingest.Options{DryRun: dryRun, Source: "file"}
				bar := progressFor(cmd.OutOrStdout(), f, asJSON)
				if bar != nil {
					opt.Progress = func(rows int) { _ = bar.Set(rows) }
				}
				s, err := ingest.IngestFile(cmd.Context(), ws, f, opt)
				if bar != nil {
					_ = bar.Finish()
					_ = bar.Clear()
				}
				if err != nil {
					failed++
					if s.Message == "" {
						s.Message = err.Error()
					}
				}
				sums = append(sums, s)
				if !asJSON {
					printSummary(cmd.OutOrStdout(), s, maxProblems)
				}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(sums); err != nil {
					return err
				}
			}
			if failed > 0 {
				return fmt.Errorf(say("%d dari %d berkas gagal dimuat", "%d of %d files failed"), failed, len(files))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "periksa saja: tampilkan yang akan dimuat dan ditolak, tanpa menulis")
	cmd.Flags().BoolVar(&asJSON, "json", false, "ringkasan dalam JSON")
	cmd.Flags().IntVar(&maxProblems, "max-problems", 20, "jumlah masalah per berkas yang ditampilkan")
	return cmd
}

// progressMinBytes: files smaller than this load too fast for a progress bar to help.
const progressMinBytes = 2 << 20

// progressFor returns a row-counting progress bar on stderr for a large file when stdout is a
// terminal (never for --json or when output is piped), or nil.
func progressFor(w io.Writer, path string, asJSON bool) *progressbar.ProgressBar {
	if asJSON {
		return nil
	}
	out, ok := w.(*os.File)
	if !ok {
		return nil
	}
	if st, err := out.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	if st, err := os.Stat(path); err != nil || st.Size() < progressMinBytes {
		return nil
	}
	return progressbar.NewOptions(-1,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription(say("membaca ", "reading ")+filepath.Base(path)),
		progressbar.OptionShowCount(),
		progressbar.OptionSetItsString(say("baris", "rows")),
		progressbar.OptionShowIts(),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionThrottle(100_000_000),
	)
}

func printSummary(w io.Writer, s *ingest.Summary, maxProblems int) {
	switch s.Status {
	case "duplikat":
		fmt.Fprintf(w, "%s: %s\n", s.File, s.Message)
		return
	case "ditolak":
		fmt.Fprintf(w, say("%s: DITOLAK: %s\n", "%s: REJECTED: %s\n"), s.File, s.Message)
		return
	}
	prefix := ""
	if s.Status == "uji" {
		prefix = say("[uji, tidak ditulis] ", "[dry run, nothing written] ")
	}
	fmt.Fprintf(w, say("%s%s (%s): %d baris dibaca, %d diterima, %d karantina, %d duplikat, %d baris jumlah dilewati (%.1f dtk)",
		"%s%s (%s): %d rows read, %d accepted, %d quarantined, %d duplicate, %d totals rows skipped (%.1f s)"),
		prefix, s.File, s.Kind, s.RowsRead, s.Accepted, s.Quarantined, s.Duplicate, s.Skipped, s.Duration.Seconds())
	if s.SubmissionID > 0 {
		fmt.Fprintf(w, say(" — kiriman #%d", " — submission #%d"), s.SubmissionID)
	}
	fmt.Fprintln(w)
	if len(s.Unrecognised) > 0 {
		fmt.Fprintf(w, say("  kolom tidak dikenali (diabaikan): %v\n", "  unrecognised columns (ignored): %v\n"), s.Unrecognised)
	}
	for _, x := range s.Warnings {
		fmt.Fprintf(w, say("  peringatan: %s\n", "  warning: %s\n"), x)
	}
	for i, p := range s.Problems {
		if i >= maxProblems {
			fmt.Fprintf(w, say("  ... dan %d masalah lain (lihat ops.quarantine)\n", "  ... and %d more (see ops.quarantine)\n"), len(s.Problems)-i)
			break
		}
		fmt.Fprintf(w, "  %s\n", p.String())
	}
}
