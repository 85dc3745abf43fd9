package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/internal/config"
)

func init() {
	register(func() *cobra.Command {
		cmd := &cobra.Command{Use: "config", Short: "Pengaturan pantau.toml"}
		cmd.AddCommand(&cobra.Command{
			Use:   "docs",
			Short: "Cetak rujukan pengaturan (docs/configuration.md)",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				_, err := fmt.Fprint(cmd.OutOrStdout(), config.Markdown())
				return err
			},
		}, &cobra.Command{
			Use:   "template",
			Short: "Cetak pantau.toml bawaan yang berkomentar",
			Args:  cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				_, err := fmt.Fprint(cmd.OutOrStdout(), config.Template(config.Default()))
				return err
			},
		})
		return cmd
	})
}
