package main

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/ingest/push"
)

func init() { register(newTokenCmd) }

func newTokenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token create|list|revoke",
		Short: "Token API push untuk aplikasi koperasi dan kantor lain (POST /api/v1/laporan)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usagef("%s", say("pakai `pantau token create`, `pantau token list` atau `pantau token revoke ID`", "use `pantau token create`, `pantau token list` or `pantau token revoke ID`"))
		},
	}
	var name, nik string
	var kantor bool
	create := &cobra.Command{
		Use:   "create --nama NAMA (--nik NIK | --kantor)",
		Short: "Buat token; ditampilkan sekali saja, yang disimpan hanya hash-nya",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if name == "" {
				return usagef("%s", say("--nama wajib diisi", "--nama is required"))
			}
			if (nik == "") == !kantor {
				return usagef("%s", say("pilih salah satu: --nik NIK (token satu koperasi) atau --kantor (token kantor, semua koperasi)",
					"choose one: --nik NIK (one cooperative's token) or --kantor (an office token, any cooperative)"))
			}
			scope := push.ScopeKoperasi
			if kantor {
				scope = push.ScopeKantor
			}
			ws, err := openWS(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			tok, t, err := push.CreateToken(cmd.Context(), ws.WH, name, scope, nik, actor())
			if err != nil {
				return usageError{err}
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, say("Token #%d (%s, cakupan %s%s) dibuat. Simpan sekarang — token ini tidak dapat ditampilkan lagi:\n\n  %s\n\n",
				"Token #%d (%s, scope %s%s) created. Keep it now — it cannot be shown again:\n\n  %s\n\n"),
				t.ID, t.Name, t.Scope, nikSuffix(t.NIK), tok)
			fmt.Fprintln(w, say("Pemakaian: Authorization: Bearer <token> pada POST /api/v1/laporan", "Use: Authorization: Bearer <token> on POST /api/v1/laporan"))
			return nil
		},
	}
	create.Flags().StringVar(&name, "nama", "", "nama token (mis. nama koperasi atau aplikasinya)")
	create.Flags().StringVar(&nik, "nik", "", "NIK koperasi: token hanya boleh melapor untuk NIK ini")
	create.Flags().BoolVar(&kantor, "kantor", false, "token kantor: boleh melapor untuk koperasi mana pun")
	cmd.AddCommand(create)
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "Daftar token (tanpa tokennya sendiri)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWS(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			list, err := push.ListTokens(cmd.Context(), ws.WH)
			if err != nil {
				return err
			}
			if len(list) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), say("Belum ada token. Buat dengan `pantau token create`.", "No tokens yet. Create one with `pantau token create`."))
				return nil
			}
			loc := ws.Config.Location()
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, say("ID\tNAMA\tCAKUPAN\tNIK\tAWALAN\tDIBUAT\tTERAKHIR DIPAKAI\tSTATUS", "ID\tNAME\tSCOPE\tNIK\tPREFIX\tCREATED\tLAST USED\tSTATE"))
			for _, t := range list {
				used, state := "-", say("aktif", "active")
				if t.LastUsedAt != nil {
					used = t.LastUsedAt.In(loc).Format("2006-01-02 15:04")
				}
				if t.RevokedAt != nil {
					state = say("dicabut ", "revoked ") + t.RevokedAt.In(loc).Format("2006-01-02 15:04")
				}
				n := t.NIK
				if n == "" {
					n = "-"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s…\t%s\t%s\t%s\n", t.ID, t.Name, t.Scope, n, t.Prefix, t.CreatedAt.In(loc).Format("2006-01-02 15:04"), used, state)
			}
			return tw.Flush()
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "revoke ID",
		Short: "Cabut token: permintaan dengan token ini ditolak sejak saat itu",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usagef("%s", say("ID token harus angka (lihat `pantau token list`)", "the token ID must be a number (see `pantau token list`)"))
			}
			ws, err := openWS(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			if err := push.RevokeToken(cmd.Context(), ws.WH, id); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), say("Token #%d dicabut.\n", "Token #%d revoked.\n"), id)
			return nil
		},
	})
	return cmd
}

func nikSuffix(nik string) string {
	if nik == "" {
		return ""
	}
	return ", NIK " + nik
}

// actor names who ran the command, for ops.api_tokens.created_by.
func actor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	if h, err := os.Hostname(); err == nil {
		return "cli@" + h
	}
	return "cli"
}
