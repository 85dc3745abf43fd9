package main

import "github.com/spf13/cobra"

func init() {
	register(func() *cobra.Command {
		return &cobra.Command{
			Use:                "serve [--addr 127.0.0.1:8080]",
			Short:              "Server: penjadwal, unggah, API push, dasbor, tindak lanjut; /healthz (belum tersedia)",
			DisableFlagParsing: true,
			RunE:               notYet("serve", "issue #8 (pantau serve)"),
		}
	})
}
