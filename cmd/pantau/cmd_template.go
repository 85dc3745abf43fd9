package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/internal/config"
)

func init() {
	register(func() *cobra.Command {
		var out, wilayahKode, kantor string
		cmd := &cobra.Command{
			Use:   "template [-o FILE]",
			Short: "Templat XLSX laporan tahunan (petunjuk, dropdown, validasi)",
			Long: "Menulis templat XLSX laporan tahunan koperasi: lembar petunjuk, kolom baku dengan label dan satuan,\n" +
				"dropdown jenis/bentuk/kelompok/kecamatan wilayah kantor, validasi angka dan tanggal, dan lembar\n" +
				"Keuangan KSP (data keuangan simpan pinjam dan daftar periksa manajemen).",
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				opt := ingest.TemplateOptions{Wilayah: wilayahKode, Kantor: kantor}
				// The workspace (when there is one) gives the office and its jurisdiction; no database is opened.
				if root, err := config.Find(g.dir); err == nil {
					if cfg, err := config.Load(root); err == nil {
						if !cmd.Flags().Changed("wilayah") {
							opt.Wilayah = cfg.Kantor.Wilayah
						}
						if !cmd.Flags().Changed("kantor") {
							opt.Kantor = cfg.Kantor.Nama
						}
					}
				}
				var buf bytes.Buffer
				if err := ingest.WriteTemplate(&buf, opt); err != nil {
					return err
				}
				if out == "-" {
					_, err := cmd.OutOrStdout().Write(buf.Bytes())
					return err
				}
				if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), say("templat ditulis ke %s\n", "template written to %s\n"), out)
				return nil
			},
		}
		cmd.Flags().StringVarP(&out, "output", "o", "templat-laporan-koperasi.xlsx", "berkas keluaran (- untuk stdout)")
		cmd.Flags().StringVar(&wilayahKode, "wilayah", "", "kode wilayah Kemendagri untuk daftar kecamatan (bawaan: dari pantau.toml)")
		cmd.Flags().StringVar(&kantor, "kantor", "", "nama kantor di lembar petunjuk (bawaan: dari pantau.toml)")
		return cmd
	})
}
