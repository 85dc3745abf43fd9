package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pantau-koperasi/pantau/internal/users"
)

func init() {
	register(func() *cobra.Command {
		cmd := &cobra.Command{
			Use:   "user add|passwd|disable|enable|list",
			Short: "Pengguna halaman web (petugas, analis, pejabat, admin)",
			Long: "Pengguna disimpan di gudang data (ops.users), kata sandi di-hash dengan bcrypt.\n" +
				"Kata sandi dibaca dari terminal tanpa ditampilkan, atau baris pertama stdin dengan --password-stdin.\n" +
				"Perintah ini menulis ke gudang data: jalankan saat `pantau serve` tidak berjalan.",
		}
		var peran, nama string
		var fromStdin bool
		add := &cobra.Command{
			Use:   "add NAMA_PENGGUNA --peran petugas|analis|pejabat|admin [--nama \"Nama Lengkap\"]",
			Short: "Tambah pengguna",
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				role, err := users.ParseRole(peran)
				if err != nil {
					return usagef("%v", err)
				}
				if _, err := users.NormaliseUsername(args[0]); err != nil {
					return usagef("%v", err)
				}
				pw, err := readPassword(cmd, fromStdin)
				if err != nil {
					return err
				}
				ws, err := openWS(cmd.Context(), false)
				if err != nil {
					return err
				}
				defer ws.Close()
				if err := users.Add(cmd.Context(), ws.WH, args[0], nama, role, pw); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), say("Pengguna %s (%s) dibuat.\n", "User %s (%s) created.\n"), strings.ToLower(args[0]), role)
				return nil
			},
		}
		add.Flags().StringVar(&peran, "peran", "petugas", "peran: petugas, analis, pejabat atau admin")
		add.Flags().StringVar(&nama, "nama", "", "nama lengkap yang ditampilkan")
		add.Flags().BoolVar(&fromStdin, "password-stdin", false, "baca kata sandi dari baris pertama stdin")
		passwd := &cobra.Command{
			Use:   "passwd NAMA_PENGGUNA",
			Short: "Ganti kata sandi (semua sesi pengguna itu berakhir)",
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				pw, err := readPassword(cmd, fromStdin)
				if err != nil {
					return err
				}
				ws, err := openWS(cmd.Context(), false)
				if err != nil {
					return err
				}
				defer ws.Close()
				if err := users.SetPassword(cmd.Context(), ws.WH, args[0], pw); err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), say("Kata sandi diganti.", "Password changed."))
				return nil
			},
		}
		passwd.Flags().BoolVar(&fromStdin, "password-stdin", false, "baca kata sandi dari baris pertama stdin")
		setDisabled := func(use, short, done, doneEn string, v bool) *cobra.Command {
			return &cobra.Command{
				Use: use + " NAMA_PENGGUNA", Short: short, Args: cobra.ExactArgs(1),
				RunE: func(cmd *cobra.Command, args []string) error {
					ws, err := openWS(cmd.Context(), false)
					if err != nil {
						return err
					}
					defer ws.Close()
					if err := users.SetDisabled(cmd.Context(), ws.WH, args[0], v); err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), say(done, doneEn)+"\n", strings.ToLower(args[0]))
					return nil
				},
			}
		}
		list := &cobra.Command{
			Use: "list", Short: "Daftar pengguna", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error {
				ws, err := openWS(cmd.Context(), true)
				if err != nil {
					return err
				}
				defer ws.Close()
				us, err := users.List(cmd.Context(), ws.WH)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, say("PENGGUNA\tNAMA\tPERAN\tSTATUS", "USER\tNAME\tROLE\tSTATUS"))
				for _, u := range us {
					st := say("aktif", "active")
					if u.Disabled {
						st = say("nonaktif", "disabled")
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Username, u.Nama, u.Role, st)
				}
				return tw.Flush()
			},
		}
		cmd.AddCommand(add, passwd,
			setDisabled("disable", "Nonaktifkan pengguna (sesinya berakhir)", "Pengguna %s dinonaktifkan.", "User %s disabled.", true),
			setDisabled("enable", "Aktifkan lagi pengguna", "Pengguna %s diaktifkan.", "User %s enabled.", false),
			list)
		return cmd
	})
}

// readPassword reads a password: twice without echo from a terminal, or the first line of stdin.
func readPassword(cmd *cobra.Command, fromStdin bool) (string, error) {
	in := cmd.InOrStdin()
	if f, ok := in.(*os.File); ok && !fromStdin && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(cmd.ErrOrStderr(), say("Kata sandi: ", "Password: "))
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(cmd.ErrOrStderr())
		if err != nil {
			return "", err
		}
		fmt.Fprint(cmd.ErrOrStderr(), say("Ulangi kata sandi: ", "Repeat password: "))
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(cmd.ErrOrStderr())
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New(say("kedua kata sandi tidak sama", "the passwords differ"))
		}
		return string(a), users.CheckPassword(string(a))
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usagef("%s", say("kata sandi kosong: ketik di terminal, atau kirim lewat stdin dengan --password-stdin", "empty password: type it at a terminal, or pipe it with --password-stdin"))
	}
	return pw, users.CheckPassword(pw)
}
