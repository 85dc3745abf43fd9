package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/internal/outpath"
	"github.com/pantau-koperasi/pantau/internal/runs"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/scoring"
	"github.com/pantau-koperasi/pantau/scoring/kesehatan"
)

func init() { register(newScoreCmd) }

func newScoreCmd() *cobra.Command {
	var explain bool
	var rubrik, xlsx, perTanggal string
	cmd := &cobra.Command{
		Use:   "score [--explain NIK TAHUN [--rubrik ID] [--xlsx FILE]]",
		Short: "Hitung status keaktifan, tingkat kesehatan dan kasus tindak lanjut",
		Long: "Tanpa argumen: menghitung status keaktifan, kesehatan (setiap rubrik yang berlaku) dan membuka kasus tindak lanjut otomatis.\n" +
			"--explain NIK TAHUN: menampilkan lembar kerja penilaian (aspek, indikator, rumus, nilai, band, skor, bobot);\n" +
			"--xlsx FILE menyimpannya juga sebagai XLSX.",
		RunE: func(cmd *cobra.Command, args []string) error {
			if explain {
				return runExplain(cmd, args, rubrik, xlsx)
			}
			if len(args) > 0 {
				return usagef(say("argumen tidak dikenal: %v (maksud Anda --explain NIK TAHUN?)", "unexpected arguments: %v (did you mean --explain NIK TAHUN?)"), args)
			}
			if rubrik != "" || xlsx != "" {
				return usagef("%s", say("--rubrik dan --xlsx hanya dipakai bersama --explain", "--rubrik and --xlsx only go with --explain"))
			}
			ws, err := openWS(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			asOf := app.AsOf(ws.Config.Location())
			if perTanggal != "" {
				t, err := time.Parse("2006-01-02", perTanggal)
				if err != nil {
					return usagef(say("--per-tanggal %q bukan tanggal TTTT-BB-HH", "--per-tanggal %q is not a YYYY-MM-DD date"), perTanggal)
				}
				asOf = t
			}
			return runs.One(cmd.Context(), ws, "cli", app.Score, func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
				res, err := scoring.Run(ctx, ws, asOf, app.ScoringStages()...)
				var n int64
				for _, r := range res {
					fmt.Fprintf(cmd.OutOrStdout(), say("  %-16s %8d baris  %6.2f dtk\n", "  %-16s %8d rows  %6.2f s\n"), r.Stage, r.Rows, r.Duration.Seconds())
					n += r.Rows
				}
				return n, err
			})
		},
	}
	cmd.Flags().BoolVar(&explain, "explain", false, "tampilkan lembar kerja penilaian untuk NIK dan TAHUN buku")
	cmd.Flags().StringVar(&rubrik, "rubrik", "", "hanya rubrik ini (mis. ksp-2016); bawaan: semua rubrik yang menilai koperasi itu")
	cmd.Flags().StringVar(&perTanggal, "per-tanggal", "", "hitung status per tanggal ini (TTTT-BB-HH; bawaan: hari ini atau PANTAU_AS_OF)")
	cmd.Flags().StringVar(&xlsx, "xlsx", "", "simpan lembar kerja juga ke berkas XLSX ini")
	return cmd
}

func runExplain(cmd *cobra.Command, args []string, rubrik, xlsx string) error {
	if len(args) != 2 {
		return usagef("%s", say("--explain perlu NIK dan TAHUN buku, mis. pantau score --explain 3276010000000001 2025",
			"--explain needs NIK and TAHUN, e.g. pantau score --explain 3276010000000001 2025"))
	}
	tahun, err := strconv.Atoi(args[1])
	if err != nil || tahun < 1900 || tahun > 2200 {
		return usagef(say("TAHUN %q bukan tahun buku", "TAHUN %q is not a tahun buku"), args[1])
	}
	ws, err := openWS(cmd.Context(), true)
	if err != nil {
		return err
	}
	defer ws.Close()
	var xlsxPath string
	if xlsx != "" {
		// Checked before anything is printed: never the workspace, its data, inbox or archive (exit 1).
		if xlsxPath, err = outpath.FromConfig(ws.Config).File(xlsx); err != nil {
			return err
		}
	}
	sheets, err := kesehatan.Explain(cmd.Context(), ws.WH.DB(), args[0], tahun, rubrik)
	if err != nil {
		return err
	}
	for i, s := range sheets {
		if i > 0 {
			fmt.Fprintln(cmd.OutOrStdout())
		}
		if err := s.WriteText(cmd.OutOrStdout()); err != nil {
			return err
		}
	}
	if xlsx != "" {
		if err := kesehatan.WriteXLSX(sheets, xlsxPath); err != nil {
			return fmt.Errorf("menyimpan %s: %w", xlsx, err)
		}
		fmt.Fprintf(cmd.OutOrStdout(), say("\nLembar kerja disimpan: %s\n", "\nWorksheet saved: %s\n"), xlsx)
	}
	return nil
}
