package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/internal/wilayah"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

func init() { register(newInitCmd) }

func newInitCmd() *cobra.Command {
	var kode, nama string
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Buat workspace: pantau.toml, data/, inbox/, archive/, public/",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := g.dir
			if len(args) == 1 {
				dir = args[0]
			}
			if kode != "" {
				norm, ok := wilayah.NormaliseCode(kode)
				if !ok {
					return usagef(say("--wilayah %q bukan kode Kemendagri (contoh: 32.76 untuk Kota Depok)", "--wilayah %q is not a Kemendagri code (e.g. 32.76 for Kota Depok)"), kode)
				}
				r, err := wilayah.NewResolver(norm)
				if err != nil {
					return usageError{err}
				}
				kode = norm
				if nama == "" {
					reg, _ := r.Lookup(norm)
					nama = "Dinas Koperasi dan UKM " + reg.Nama
				}
			}
			ws, created, err := workspace.Init(cmd.Context(), dir, kode, nama, g.log)
			if err != nil {
				return err
			}
			defer ws.Close()
			out := cmd.OutOrStdout()
			if created {
				fmt.Fprintf(out, say("Workspace dibuat di %s\n", "Workspace created in %s\n"), ws.Config.Dir)
			} else {
				fmt.Fprintf(out, say("Workspace sudah ada di %s; pantau.toml dibiarkan, gudang data diperbarui\n", "Workspace exists in %s; pantau.toml kept, warehouse migrated\n"), ws.Config.Dir)
			}
			fmt.Fprintf(out, "  %s\n  %s\n", ws.Config.Abs("pantau.toml"), ws.WH.Path())
			return nil
		},
	}
	cmd.Flags().StringVar(&kode, "wilayah", "", "wilayah kerja kantor: kode Kemendagri (mis. 32.76 Kota Depok, 32 Jawa Barat)")
	cmd.Flags().StringVar(&nama, "nama", "", "nama kantor (bawaan: Dinas Koperasi dan UKM <wilayah>)")
	return cmd
}
