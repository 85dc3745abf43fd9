package main

import "github.com/spf13/cobra"

func init() {
	register(func() *cobra.Command {
		return &cobra.Command{
			Use:                "template [-o FILE]",
			Short:              "Templat XLSX laporan tahunan (petunjuk, dropdown, validasi) (belum tersedia)",
			DisableFlagParsing: true,
			RunE:               notYet("template", "issue #3 (ingest spreadsheet)"),
		}
	})
}
