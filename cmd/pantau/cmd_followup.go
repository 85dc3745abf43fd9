package main

import "github.com/spf13/cobra"

func init() {
	register(func() *cobra.Command {
		return &cobra.Command{
			Use:                "followup list|show|new|assign|note|set-status ...",
			Short:              "Kasus tindak lanjut koperasi (belum tersedia)",
			DisableFlagParsing: true,
			RunE:               notYet("followup", "issue #6 (penilaian dan tindak lanjut)"),
		}
	})
}
