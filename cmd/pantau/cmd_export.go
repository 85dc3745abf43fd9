package main

import "github.com/spf13/cobra"

func init() {
	register(func() *cobra.Command {
		return &cobra.Command{
			Use:                "export --table mart.X --format xlsx|csv|parquet -o PATH",
			Short:              "Ekspor tabel gudang data ke XLSX, CSV atau Parquet (belum tersedia)",
			DisableFlagParsing: true,
			RunE:               notYet("export", "issue #5 (transform)"),
		}
	})
}
