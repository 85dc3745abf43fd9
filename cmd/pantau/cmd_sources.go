package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/app/demo"
	"github.com/pantau-koperasi/pantau/ingest/pull"
	"github.com/pantau-koperasi/pantau/internal/config"
	gen "github.com/pantau-koperasi/pantau/internal/demo"
)

func init() { register(newSourcesCmd) }

func newSourcesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sources list | test NAME",
		Short: "Sumber HTTP yang dikonfigurasi: daftar dan uji (satu halaman, tanpa menulis)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usagef("%s", say("pakai `pantau sources list` atau `pantau sources test NAMA`", "use `pantau sources list` or `pantau sources test NAME`"))
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "Daftar sumber, posisi penarikan dan watermark-nya",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWS(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			if len(ws.Config.Sumber) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), say("Belum ada sumber ([[sumber]] di pantau.toml).", "No sources ([[sumber]] in pantau.toml)."))
				return nil
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, say("NAMA\tURL\tPAGINASI\tAUTH\tWATERMARK\tSTATUS\tTERAKHIR SELESAI", "NAME\tURL\tPAGINATION\tAUTH\tWATERMARK\tSTATE\tLAST COMPLETE"))
			for i := range ws.Config.Sumber {
				s := &ws.Config.Sumber[i]
				st, err := pull.LoadState(cmd.Context(), ws.WH, s.Nama)
				if err != nil && !strings.Contains(err.Error(), "pull_state") {
					return err
				}
				state := say("siap", "idle")
				if st.InProgress() {
					state = fmt.Sprintf(say("terputus setelah halaman %d", "stopped after page %d"), st.RunPage)
				}
				last := "-"
				if st.LastOK != nil {
					last = st.LastOK.In(ws.Config.Location()).Format("2006-01-02 15:04")
				}
				wm := st.Watermark
				if wm == "" {
					wm = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Nama, s.URL, s.Paginasi, s.Auth, wm, state, last)
			}
			return tw.Flush()
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "test NAME",
		Short: "Ambil satu halaman dari sumber dan tunjukkan pemetaannya, tanpa menulis apa pun",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWS(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			src, ok := ws.Config.SumberByName(args[0])
			if !ok {
				return usageError{&pull.UnknownSourceError{Name: args[0], Known: sourceNames(ws)}}
			}
			res, err := pull.Pull(cmd.Context(), ws, src, pull.Options{DryRun: true})
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if len(res.Pages) == 0 {
				return nil
			}
			p := res.Pages[0]
			fmt.Fprintf(w, say("%s: %d rekaman di halaman pertama (%d percobaan)\n", "%s: %d records on the first page (%d attempts)\n"), p.URL, p.Records, p.Attempts)
			for i, in := range res.Inputs {
				if i >= 3 {
					fmt.Fprintf(w, say("... dan %d rekaman lain\n", "... and %d more records\n"), len(res.Inputs)-i)
					break
				}
				fmt.Fprintf(w, say("rekaman %d:\n", "record %d:\n"), i+1)
				keys := make([]string, 0, len(in.Text))
				for k := range in.Text {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					fmt.Fprintf(w, "  %-24s ← %-28s %s\n", k, labelOf(src.Peta, k), quoteJSON(in.Text[k]))
				}
			}
			printSummary(w, p.Summary, 20)
			return nil
		},
	})
	cmd.AddCommand(newSourcesSimCmd())
	return cmd
}

// newSourcesSimCmd runs the demo's simulated cooperative app in the foreground, so `pantau pull` can
// be tried by hand against a source that behaves like a real one (a 500 once, a slow page).
func newSourcesSimCmd() *cobra.Command {
	var addr, prov string
	var seed uint64
	var n int
	c := &cobra.Command{
		Use:   "sim [--addr 127.0.0.1:8765]",
		Short: "Jalankan aplikasi koperasi simulasi (data demo) untuk mencoba `pantau pull`",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := gen.Generate(demo.Options{Seed: seed, Koperasi: n, Provinsi: prov, AsOf: app.AsOf(defaultZone())})
			if err != nil {
				return err
			}
			srv, src, count, err := demo.StartApp(d, addr)
			if err != nil {
				return err
			}
			defer srv.Close()
			var b strings.Builder
			_ = toml.NewEncoder(&b).Encode(map[string]any{"sumber": []config.Sumber{src}})
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, say("Aplikasi simulasi melayani %d laporan di %s. Tambahkan ke pantau.toml:\n\n%s\nlalu: export %s=%s && pantau pull %s\n(Ctrl-C untuk berhenti)\n",
				"The simulated app serves %d reports at %s. Add to pantau.toml:\n\n%s\nthen: export %s=%s && pantau pull %s\n(Ctrl-C to stop)\n"),
				count, srv.URL, b.String(), demo.AppTokenEnv, demo.AppToken(d), src.Nama)
			<-cmd.Context().Done()
			return nil
		},
	}
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8765", "alamat server simulasi")
	c.Flags().Uint64Var(&seed, "seed", 1, "benih data demo")
	c.Flags().IntVar(&n, "koperasi", 2000, "jumlah koperasi demo")
	c.Flags().StringVar(&prov, "provinsi", "32", "kode provinsi demo")
	return c
}

func labelOf(peta map[string]string, field string) string {
	if p, ok := peta[field]; ok {
		return p
	}
	return field
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// defaultZone is the office time zone of a fresh pantau.toml, for commands that run without a
// workspace.
func defaultZone() *time.Location {
	c := config.Default()
	return c.Location()
}
