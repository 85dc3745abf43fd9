package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/outpath"
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
				// The workspace (when there is one) gives the office and its jurisdiction, and the paths
				// the template must not overwrite; no database is opened.
				var guard outpath.Workspace
				if root, err := config.Find(g.dir); err == nil {
					if cfg, err := config.Load(root); err == nil {
						guard = outpath.FromConfig(cfg)
						if !cmd.Flags().Changed("wilayah") {
							opt.Wilayah = cfg.Kantor.Wilayah
						}
						if !cmd.Flags().Changed("kantor") {
							opt.Kantor = cfg.Kantor.Nama
						}
					} else {
						guard = layout(root)
					}
				}
				path := out
				if out != "-" {
					if guard.Root == "" {
						// No workspace here: guard the one the target lies in, if any.
						if abs, err := outpath.Resolve(out); err == nil {
							if root, err := config.Find(filepath.Dir(abs)); err == nil {
								guard = layout(root)
							}
						}
					}
					var err error
					if path, err = guard.File(out); err != nil {
						return err
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
				if err := outpath.Write(path, func(w io.Writer) error { _, err := buf.WriteTo(w); return err }); err != nil {
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

// layout is what the template must not overwrite in the workspace at root: its pantau.toml's paths,
// or the default layout when that file does not load.
func layout(root string) outpath.Workspace {
	if cfg, err := config.Load(root); err == nil {
		return outpath.FromConfig(cfg)
	}
	c := config.Default()
	c.Dir = root
	return outpath.FromConfig(&c)
}
