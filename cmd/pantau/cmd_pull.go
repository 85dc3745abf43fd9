package main

import "github.com/spf13/cobra"

func init() {
	register(func() *cobra.Command {
		return &cobra.Command{
			Use:                "pull [SOURCE]",
			Short:              "Tarik laporan dari API aplikasi koperasi yang dikonfigurasi (belum tersedia)",
			DisableFlagParsing: true,
			RunE:               notYet("pull", "issue #4 (ingest API)"),
		}
	})
}
