package main

import (
	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/internal/sqlout"
	"github.com/pantau-koperasi/pantau/internal/warehouse"
)

func init() { register(newSQLCmd) }

func newSQLCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "sql QUERY",
		Short: "Jalankan SQL hanya-baca pada gudang data (CSV bawaan)",
		Long: "Menjalankan kueri SQL hanya-baca. Gudang data dibuka dalam mode read_only DuckDB dan terkunci:\n" +
			"pernyataan yang mengubah data (INSERT, UPDATE, CREATE, ...) ditolak, begitu pula membaca atau\n" +
			"menulis berkas lain (COPY, read_csv, ATTACH, ...), memasang ekstensi, dan mengubah pengaturan (SET).\n" +
			"Pada --format csv, teks yang diawali = + - @ diberi awalan ' agar tidak dijalankan spreadsheet.",
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
			// The query runs on a second, locked handle of the same file (see warehouse.Options.UserSQL):
			// DuckDB itself refuses files, ATTACH, extensions and SET, for every statement of the text.
			locked, err := warehouse.OpenUserSQL(cmd.Context(), ws.WH.DB())
			if err != nil {
				return err
			}
			defer locked.Close()
			return sqlout.Run(cmd.Context(), locked, args[0], f, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&format, "format", "csv", "format keluaran: csv, json, table")
	return cmd
}
