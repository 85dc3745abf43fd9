package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/transform/lineage"
)

func init() { register(newLineageCmd) }

func newLineageCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "lineage NIK TAHUN",
		Short: "Asal setiap angka laporan: kiriman, berkas, lembar, baris, kolom dan nilai aslinya",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			tahun, err := strconv.Atoi(args[1])
			if err != nil || tahun < 1900 || tahun > 2200 {
				return usagef(say("TAHUN harus tahun buku empat angka, bukan %q", "TAHUN must be a four-digit tahun buku, not %q"), args[1])
			}
			if format != "table" && format != "json" {
				return usagef("--format: table atau json")
			}
			ws, err := openWS(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			t, err := lineage.Get(cmd.Context(), ws.WH.DB(), ws.Config.HeaderMaps, args[0], tahun)
			if errors.Is(err, lineage.ErrNotFound) {
				return usageError{err}
			}
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if format == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(t)
			}
			loc := ws.Config.Location()
			state := say("berlaku (terbit di mart)", "in force (published)")
			if t.AwaitingTransform {
				state = say("BELUM TERBIT: kiriman ini belum diperiksa; jalankan `pantau transform` (atau `pantau run`)",
					"NOT PUBLISHED: this load has not been checked yet; run `pantau transform` (or `pantau run`)")
			} else if !t.Published {
				state = say("BELUM TERBIT: versi terakhir ditahan, ditolak, atau gagal cek", "NOT PUBLISHED: the latest version is held, rejected or failed a check")
			}
			fmt.Fprintf(w, say("Laporan NIK %s tahun buku %d — %s\n", "Report NIK %s tahun buku %d — %s\n"), t.NIK, t.TahunBuku, state)
			fmt.Fprintf(w, say("Kiriman #%d: %s (sumber %s, diterima %s, sha256 %.12s…), lembar %q, baris %d\n\n",
				"Load #%d: %s (source %s, received %s, sha256 %.12s…), sheet %q, row %d\n\n"),
				t.SubmissionID, t.Filename, t.Source, t.ReceivedAt.In(loc).Format("2006-01-02 15:04"), t.SHA256, t.Sheet, t.Row)
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, say("BIDANG\tNILAI\tKOLOM DI BERKAS\tNILAI DI BERKAS", "FIELD\tVALUE\tCOLUMN IN FILE\tVALUE IN FILE"))
			for _, f := range t.Figures {
				col, raw := f.ColumnLabel, f.Raw
				if col == "" {
					col, raw = "—", "("+f.Derived+")"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Field, f.Value, col, raw)
			}
			tw.Flush()
			if len(t.Versions) > 1 {
				fmt.Fprintln(w, say("\nSemua versi:", "\nAll versions:"))
				for _, v := range t.Versions {
					fmt.Fprintf(w, "  #%-6d %-10s %s  %s\n", v.SubmissionID, v.Status, v.ReceivedAt.In(loc).Format("2006-01-02 15:04"), v.Filename)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "table atau json")
	return cmd
}
