package main

import (
	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/internal/sqlout"
)

func init() { register(newSQLCmd) }

func newSQLCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "sql QUERY",
		Short: "Jalankan SQL hanya-baca pada gudang data (CSV bawaan)",
		Long: "Menjalankan satu kueri SQL hanya-baca. Gudang data dibuka dalam mode read_only DuckDB,\n" +
			"jadi pernyataan yang mengubah data (INSERT, UPDATE, CREATE, ...) ditolak.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := sqlout.ParseFormat(format)
			if err != nil {
				return usageError{err}
			}
			ws, err := openWS(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			return sqlout.Run(cmd.Context(), ws.WH, args[0], f, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "format keluaran: csv, json, table")
	return cmd
}
