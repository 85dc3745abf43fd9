package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/outpath"
	"github.com/pantau-koperasi/pantau/transform/export"
)

func init() { register(newExportCmd) }

func newExportCmd() *cobra.Command {
	var o export.Options
	var format string
	cmd := &cobra.Command{
		Use:   "export --table mart.X [--where ...] --format xlsx|csv|parquet -o PATH",
		Short: "Ekspor tabel core/mart ke XLSX, CSV atau Parquet",
		Long: "Mengekspor satu tabel core atau mart. --where menyaring baris dengan kolom tabel itu, angka, 'teks',\n" +
			"operator (= < > AND OR IN LIKE BETWEEN IS NULL) dan beberapa fungsi (year, lower, ...); gudang data\n" +
			"dibuka hanya-baca. Parquet dapat dipartisi gaya Hive (--partition tahun_buku,provinsi) untuk dibaca\n" +
			"Trino, Spark atau DuckDB (lihat docs/lake.md).\n\n" +
			"Contoh:\n  pantau export --table mart.laporan --where \"tahun_buku = 2024\" -o laporan_2024.xlsx\n" +
			"  pantau export --table mart.laporan --format parquet --partition tahun_buku,provinsi -o lake/laporan",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Table == "" || o.Out == "" {
				return usagef("%s", say("--table dan -o wajib diisi", "--table and -o are required"))
			}
			// Never the workspace, pantau.toml, the warehouse, data/, inbox/ or archive/ (exit 1); checked
			// first, so `-o pantau.toml` is refused for what it is rather than for its extension.
			guard, err := workspaceGuard()
			if err != nil {
				return err
			}
			partitioned := len(o.PartitionBy) > 0
			var path string
			if partitioned {
				path, err = guard.Folder(o.Out)
			} else {
				path, err = guard.File(o.Out)
			}
			if err != nil {
				return err
			}
			if format == "" {
				format = strings.TrimPrefix(strings.ToLower(filepath.Ext(o.Out)), ".")
				if format == "" && len(o.PartitionBy) > 0 {
					format = "parquet"
				}
			}
			f, err := export.ParseFormat(format)
			if err != nil {
				return usageError{err}
			}
			// A file named .xlsx that holds CSV opens as garbage in Excel: refuse the contradiction.
			if ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(o.Out)), "."); ext != "" {
				if ef, err := export.ParseFormat(ext); err == nil && ef != f {
					return usagef(say("--format %s tidak cocok dengan nama berkas %s; samakan ekstensinya atau buang --format",
						"--format %s does not match the file name %s; make the extension agree or drop --format"), format, o.Out)
				}
			}
			o.Format = f
			ws, err := openWS(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			given := o.Out
			o.Out = path
			n, err := export.Export(cmd.Context(), ws.WH.DB(), o)
			if err != nil {
				if errors.Is(err, export.ErrUsage) {
					return usageError{err}
				}
				return err
			}
			o.Out = given
			fmt.Fprintf(cmd.OutOrStdout(), say("%d baris %s diekspor ke %s (%s)\n", "%d rows of %s exported to %s (%s)\n"), n, o.Table, o.Out, o.Format)
			return nil
		},
	}
	cmd.Flags().StringVar(&o.Table, "table", "", "tabel core/mart, mis. mart.laporan")
	cmd.Flags().StringVar(&o.Where, "where", "", "saringan baris, mis. \"tahun_buku = 2024 AND provinsi = 'Jawa Barat'\"")
	cmd.Flags().StringVar(&format, "format", "", "xlsx, csv atau parquet (bawaan: dari ekstensi -o)")
	cmd.Flags().StringVarP(&o.Out, "output", "o", "", "berkas keluaran; untuk parquet berpartisi, sebuah folder")
	cmd.Flags().StringSliceVar(&o.PartitionBy, "partition", nil, "parquet: kolom partisi Hive, mis. tahun_buku,provinsi")
	return cmd
}

// workspaceGuard reads the pantau.toml of -C (or the nearest above it) for the paths an output must
// not overwrite, without opening the warehouse.
func workspaceGuard() (outpath.Workspace, error) {
	root, err := config.Find(g.dir)
	if err != nil {
		return outpath.Workspace{}, err
	}
	cfg, err := config.Load(root)
	if err != nil {
		return outpath.Workspace{}, err
	}
	return outpath.FromConfig(cfg), nil
}
