package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/app/demo"
	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

func init() { register(newDemoCmd) }

func newDemoCmd() *cobra.Command {
	var seed uint64
	var n int
	var prov string
	cmd := &cobra.Command{
		Use:   "demo [DIR]",
		Short: "Provinsi demo yang realistis: data, seluruh pipeline, dan dasbor",
		Long: "Membuat workspace (bila belum ada), menulis berkas XLSX/CSV laporan koperasi sebuah provinsi nyata ke inbox/,\n" +
			"lalu menjalankan ingest, transform, score dan publish. Hasilnya sama untuk --seed yang sama.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := g.dir
			if len(args) == 1 {
				dir = args[0]
			}
			var ws *workspace.Workspace
			var err error
			if _, statErr := os.Stat(filepath.Join(dir, config.FileName)); statErr == nil {
				ws, err = workspace.Open(cmd.Context(), dir, false, g.log)
			} else {
				ws, _, err = workspace.Init(cmd.Context(), dir, prov, "Dinas Koperasi dan UKM Provinsi (Demo)", g.log)
			}
			if err != nil {
				return err
			}
			defer ws.Close()
			res, err := demo.Run(cmd.Context(), ws, demo.Options{Seed: seed, Koperasi: n, Provinsi: prov}, cmd.OutOrStdout())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), say("Selesai: %d koperasi. Dasbor: %s\n", "Done: %d cooperatives. Dashboards: %s\n"),
				res.Koperasi, filepath.Join(res.Public, "index.html"))
			return nil
		},
	}
	cmd.Flags().Uint64Var(&seed, "seed", 1, "benih acak (hasil sama untuk benih yang sama)")
	cmd.Flags().IntVar(&n, "koperasi", 2000, "jumlah koperasi")
	cmd.Flags().StringVar(&prov, "provinsi", "32", "kode provinsi Kemendagri (bawaan 32, Jawa Barat)")
	return cmd
}
