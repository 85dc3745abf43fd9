package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/transform"
)

func init() { register(newReviewCmd) }

func newReviewCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "review list|accept|reject ID [--catatan TEKS]",
		Short: "Tinjau kiriman yang ditahan (jumlah baris turun tajam atau gagal cek kualitas data)",
		Long: "Kiriman yang jumlah barisnya jauh di bawah kiriman sebelumnya dari sumber yang sama, atau yang gagal\n" +
			"cek kualitas data bertingkat error, tidak diterbitkan ke mart sampai ditinjau.\n" +
			"`accept` menerbitkannya pada `pantau transform` berikutnya; `reject` menahannya selamanya (data mentah tetap disimpan).",
	}
	var all bool
	list := &cobra.Command{
		Use:   "list [--semua]",
		Short: "Daftar kiriman yang menunggu tinjauan",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWS(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			rs, err := transform.ListReviews(cmd.Context(), ws.WH, all)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if len(rs) == 0 {
				fmt.Fprintln(w, say("Tidak ada kiriman yang menunggu tinjauan.", "No loads are waiting for review."))
				return nil
			}
			loc := ws.Config.Location()
			for _, r := range rs {
				fmt.Fprintf(w, "#%-6d %-9s %-20s %s  %s\n", r.SubmissionID, r.Status, r.Reason, r.CreatedAt.In(loc).Format("2006-01-02 15:04"), r.Filename)
				fmt.Fprintf(w, "        %s\n", r.Message)
				if r.DecidedAt != nil {
					fmt.Fprintf(w, say("        diputuskan %s oleh %s", "        decided %s by %s"), r.DecidedAt.In(loc).Format("2006-01-02 15:04"), r.DecidedBy)
					if r.Note != "" {
						fmt.Fprintf(w, ": %s", r.Note)
					}
					fmt.Fprintln(w)
				}
			}
			return nil
		},
	}
	list.Flags().BoolVar(&all, "semua", false, "tampilkan juga kiriman yang sudah diputuskan")
	cmd.AddCommand(list, decideCmd(true), decideCmd(false))
	return cmd
}

func decideCmd(accept bool) *cobra.Command {
	var note, by string
	use, short := "accept ID", "Terima kiriman: terbitkan pada transform berikutnya"
	if !accept {
		use, short = "reject ID", "Tolak kiriman: jangan pernah terbitkan (data mentah tetap disimpan)"
	}
	c := &cobra.Command{
		Use:   use + " [--catatan TEKS]",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return usagef(say("ID kiriman harus bilangan bulat positif, bukan %q", "load ID must be a positive integer, not %q"), args[0])
			}
			ws, err := openWS(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			if by == "" {
				by = os.Getenv("USER")
			}
			if err := transform.Decide(cmd.Context(), ws.WH, id, accept, by, note, time.Now().UTC()); err != nil {
				if errors.Is(err, transform.ErrNoSuchLoad) {
					return usageError{err}
				}
				return err
			}
			if accept {
				fmt.Fprintf(cmd.OutOrStdout(), say("Kiriman #%d diterima; terbit pada `pantau transform` berikutnya.\n", "Load #%d accepted; it is published at the next `pantau transform`.\n"), id)
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), say("Kiriman #%d ditolak; tidak akan diterbitkan.\n", "Load #%d rejected; it will not be published.\n"), id)
			}
			return nil
		},
	}
	c.Flags().StringVar(&note, "catatan", "", "catatan peninjau")
	c.Flags().StringVar(&by, "oleh", "", "nama peninjau (bawaan: pengguna sistem)")
	return c
}
