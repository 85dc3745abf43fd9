package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/internal/outpath"
	"github.com/pantau-koperasi/pantau/internal/warehouse"
	"github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
)

func init() { register(newFollowupCmd) }

// actorFlag is who makes a change: --oleh, else the login name.
func actorName(oleh string) string {
	if strings.TrimSpace(oleh) != "" {
		return strings.TrimSpace(oleh)
	}
	for _, k := range []string{"PANTAU_USER", "USER", "USERNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "cli"
}

func newFollowupCmd() *cobra.Command {
	var oleh string
	cmd := &cobra.Command{
		Use:   "followup list|show|new|assign|note|set-status|set-prioritas|set-jatuh-tempo|export",
		Short: "Kasus tindak lanjut koperasi: daftar, rincian, buka, tugaskan, catatan, status, ekspor",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().StringVar(&oleh, "oleh", "", "nama petugas yang melakukan perubahan (bawaan: nama login)")

	var f tindaklanjut.Filter
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "Daftar kasus (bawaan: yang masih terbuka)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWS(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			flt := f
			if flt.Status == "semua" {
				flt.Status = ""
			}
			cases, err := tindaklanjut.List(cmd.Context(), ws.WH, flt)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if cases == nil {
					cases = []tindaklanjut.Case{}
				}
				return enc.Encode(cases)
			}
			// On a terminal a list of thousands of cases helps nobody: without --limit, show the first
			// defaultCaseRows (the most urgent first, as List orders them) and say how many there are.
			total := len(cases)
			if !cmd.Flags().Changed("limit") && total > defaultCaseRows {
				cases = cases[:defaultCaseRows]
			}
			writeCases(cmd.OutOrStdout(), cases)
			if len(cases) < total {
				fmt.Fprintf(cmd.OutOrStdout(), say("\nmenampilkan %d dari %d kasus; pakai --limit 0 untuk semua, atau saring dengan --alasan/--wilayah/--petugas\n",
					"\nshowing %d of %d cases; use --limit 0 for all, or filter with --alasan/--wilayah/--petugas\n"), len(cases), total)
			}
			return nil
		},
	}
	list.Flags().StringVar(&f.Status, "status", "terbuka", "baru, diproses, selesai, dibatalkan, terbuka (baru+diproses) atau semua")
	list.Flags().StringVar(&f.Alasan, "alasan", "", "saring per alasan (tidak_aktif, rat_terlambat, belum_lapor, kesehatan, kategori_turun, kualitas_data, lainnya)")
	list.Flags().StringVar(&f.Petugas, "petugas", "", "saring per petugas")
	list.Flags().StringVar(&f.NIK, "nik", "", "saring per NIK koperasi")
	list.Flags().StringVar(&f.KodeWilayah, "wilayah", "", "saring per kode wilayah Kemendagri (termasuk wilayah di bawahnya)")
	list.Flags().IntVar(&f.Limit, "limit", 0, fmt.Sprintf("paling banyak sekian kasus (0 = semua; tanpa opsi ini tabel menampilkan %d)", defaultCaseRows))
	list.Flags().BoolVar(&asJSON, "json", false, "keluaran JSON")

	show := &cobra.Command{
		Use:   "show ID",
		Short: "Rincian kasus dengan catatan dan jejak audit",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := caseID(args[0])
			if err != nil {
				return err
			}
			ws, err := openWS(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			c, trail, err := tindaklanjut.Get(cmd.Context(), ws.WH, id)
			if err != nil {
				return err
			}
			writeCase(cmd.OutOrStdout(), c, trail, ws.Config.Location())
			return nil
		},
	}

	var nc tindaklanjut.NewCase
	var due string
	newc := &cobra.Command{
		Use:   "new NIK --alasan ALASAN",
		Short: "Buka kasus secara manual",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c := nc
			c.NIK = args[0]
			if c.Alasan == "" {
				return usagef("%s", say("--alasan wajib diisi", "--alasan is required"))
			}
			if due != "" {
				t, err := time.Parse("2006-01-02", due)
				if err != nil {
					return usagef(say("--jatuh-tempo %q bukan tanggal TTTT-BB-HH", "--jatuh-tempo %q is not a YYYY-MM-DD date"), due)
				}
				c.JatuhTempo = &t
			}
			ws, err := openWS(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer ws.Close()
			id, err := tindaklanjut.New(cmd.Context(), ws.WH, actorName(oleh), c)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), say("Kasus #%d dibuka untuk %s (%s)\n", "Case #%d opened for %s (%s)\n"), id, c.NIK, c.Alasan)
			return nil
		},
	}
	newc.Flags().StringVar(&nc.Alasan, "alasan", "", "alasan: tidak_aktif, rat_terlambat, belum_lapor, kesehatan, kategori_turun, kualitas_data, lainnya")
	newc.Flags().StringVar(&nc.Prioritas, "prioritas", "sedang", "tinggi, sedang atau rendah")
	newc.Flags().StringVar(&nc.Petugas, "petugas", "", "petugas yang ditugaskan")
	newc.Flags().StringVar(&due, "jatuh-tempo", "", "tanggal jatuh tempo TTTT-BB-HH")
	newc.Flags().StringVar(&nc.Catatan, "catatan", "", "catatan pertama")
	newc.Flags().StringVar(&nc.Keterangan, "keterangan", "", "keterangan singkat alasan kasus")

	assign := &cobra.Command{
		Use:   "assign ID PETUGAS",
		Short: "Tugaskan kasus kepada petugas (\"\" untuk melepas)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return changeCase(cmd, args[0], func(ctx context.Context, wh *warehouse.Warehouse, id int64) (string, error) {
				return fmt.Sprintf(say("Kasus #%d ditugaskan kepada %q", "Case #%d assigned to %q"), id, args[1]),
					tindaklanjut.Assign(ctx, wh, actorName(oleh), id, args[1])
			})
		},
	}
	note := &cobra.Command{
		Use:   "note ID TEKS...",
		Short: "Tambahkan catatan pada kasus",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return changeCase(cmd, args[0], func(ctx context.Context, wh *warehouse.Warehouse, id int64) (string, error) {
				return fmt.Sprintf(say("Catatan ditambahkan pada kasus #%d", "Note added to case #%d"), id),
					tindaklanjut.AddNote(ctx, wh, actorName(oleh), id, strings.Join(args[1:], " "))
			})
		},
	}
	setStatus := &cobra.Command{
		Use:   "set-status ID baru|diproses|selesai|dibatalkan",
		Short: "Ubah status kasus",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := tindaklanjut.ParseStatus(args[1]); err != nil {
				return usagef("%v", err)
			}
			return changeCase(cmd, args[0], func(ctx context.Context, wh *warehouse.Warehouse, id int64) (string, error) {
				return fmt.Sprintf(say("Status kasus #%d: %s", "Case #%d status: %s"), id, strings.ToLower(args[1])),
					tindaklanjut.SetStatus(ctx, wh, actorName(oleh), id, args[1])
			})
		},
	}
	setPrio := &cobra.Command{
		Use:   "set-prioritas ID tinggi|sedang|rendah",
		Short: "Ubah prioritas kasus",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return changeCase(cmd, args[0], func(ctx context.Context, wh *warehouse.Warehouse, id int64) (string, error) {
				return fmt.Sprintf(say("Prioritas kasus #%d: %s", "Case #%d priority: %s"), id, strings.ToLower(args[1])),
					tindaklanjut.SetPriority(ctx, wh, actorName(oleh), id, args[1])
			})
		},
	}
	setDue := &cobra.Command{
		Use:   "set-jatuh-tempo ID TTTT-BB-HH|-",
		Short: "Ubah tanggal jatuh tempo kasus (- untuk menghapus)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var due *time.Time
			if args[1] != "-" {
				t, err := time.Parse("2006-01-02", args[1])
				if err != nil {
					return usagef(say("%q bukan tanggal TTTT-BB-HH", "%q is not a YYYY-MM-DD date"), args[1])
				}
				due = &t
			}
			return changeCase(cmd, args[0], func(ctx context.Context, wh *warehouse.Warehouse, id int64) (string, error) {
				return fmt.Sprintf(say("Jatuh tempo kasus #%d: %s", "Case #%d due: %s"), id, args[1]),
					tindaklanjut.SetDue(ctx, wh, actorName(oleh), id, due)
			})
		},
	}
	var out string
	export := &cobra.Command{
		Use:   "export -o FILE.xlsx",
		Short: "Ekspor kasus terbuka ke XLSX: per kecamatan untuk kunjungan lapangan, dan daftar konsep surat teguran",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usagef("%s", say("-o FILE.xlsx wajib diisi", "-o FILE.xlsx is required"))
			}
			ws, err := openWS(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			path, err := outpath.FromConfig(ws.Config).File(out)
			if err != nil {
				return err
			}
			fh, err := outpath.Create(path)
			if err != nil {
				return err
			}
			n, err := tindaklanjut.ExportXLSX(cmd.Context(), ws.WH, fh, app.AsOf(ws.Config.Location()), ws.Config.TindakLanjut.KodeSurat)
			if cerr := fh.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), say("%d kasus terbuka diekspor ke %s\n", "%d open cases exported to %s\n"), n, out)
			return nil
		},
	}
	export.Flags().StringVarP(&out, "output", "o", "", "berkas XLSX keluaran")
	cmd.AddCommand(list, show, newc, assign, note, setStatus, setPrio, setDue, export)
	return cmd
}

func tanggal(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return t.Format("2006-01-02")
}

func writeCases(w io.Writer, cases []tindaklanjut.Case) {
	if len(cases) == 0 {
		fmt.Fprintln(w, say("Tidak ada kasus.", "No cases."))
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, say("ID\tNIK\tKoperasi\tAlasan\tStatus\tPrioritas\tPetugas\tJatuh tempo\tDibuat", "ID\tNIK\tCooperative\tReason\tStatus\tPriority\tOfficer\tDue\tCreated"))
	for _, c := range cases {
		p := c.Petugas
		if p == "" {
			p = "–"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.NIK, c.NamaKoperasi, c.Alasan, c.Status, c.Prioritas, p, tanggal(c.JatuhTempo), c.DibuatPada.Format("2006-01-02"))
	}
	tw.Flush()
	fmt.Fprintf(w, say("%d kasus\n", "%d cases\n"), len(cases))
}

func writeCase(w io.Writer, c tindaklanjut.Case, trail []tindaklanjut.AuditEntry, loc *time.Location) {
	fmt.Fprintf(w, "Kasus #%d — %s\n", c.ID, tindaklanjut.AlasanLabel[c.Alasan])
	fmt.Fprintf(w, "Koperasi    : %s (NIK %s)\n", c.NamaKoperasi, c.NIK)
	if c.Kecamatan != "" {
		fmt.Fprintf(w, "Wilayah     : Kec. %s, %s\n", c.Kecamatan, c.KabupatenKota)
	}
	if c.Keterangan != "" {
		fmt.Fprintf(w, "Keterangan  : %s\n", c.Keterangan)
	}
	if c.TahunBuku != nil {
		fmt.Fprintf(w, "Tahun buku  : %d\n", *c.TahunBuku)
	}
	p := c.Petugas
	if p == "" {
		p = "(belum ditugaskan)"
	}
	fmt.Fprintf(w, "Status      : %s\nPrioritas   : %s\nPetugas     : %s\nJatuh tempo : %s\nSumber      : %s (oleh %s)\n",
		c.Status, c.Prioritas, p, tanggal(c.JatuhTempo), c.Sumber, c.DibuatOleh)
	fmt.Fprintf(w, "Dibuat      : %s\nDiubah      : %s\n", c.DibuatPada.In(loc).Format("2006-01-02 15:04"), c.DiubahPada.In(loc).Format("2006-01-02 15:04"))
	if len(c.Catatan) > 0 {
		fmt.Fprintln(w, "\nCatatan:")
		for _, n := range c.Catatan {
			fmt.Fprintf(w, "  %s  %s: %s\n", n.Pada.In(loc).Format("2006-01-02 15:04"), n.Oleh, n.Teks)
		}
	}
	fmt.Fprintln(w, "\nJejak audit:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, a := range trail {
		change := a.Sesudah
		if a.Kolom != "catatan" && a.Kolom != "dibuat" {
			b := a.Sebelum
			if b == "" {
				b = "(kosong)"
			}
			change = b + " → " + a.Sesudah
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", a.Pada.In(loc).Format("2006-01-02 15:04:05"), a.Oleh, a.Kolom, change)
	}
	tw.Flush()
}

// defaultCaseRows is how many cases `followup list` prints on a table when --limit is not given.
const defaultCaseRows = 50

// changeCase makes one audited change to case idArg in the writable warehouse and prints the message
// the change returns (only when it succeeded).
func changeCase(cmd *cobra.Command, idArg string, change func(ctx context.Context, wh *warehouse.Warehouse, id int64) (string, error)) error {
	id, err := caseID(idArg)
	if err != nil {
		return err
	}
	ws, err := openWS(cmd.Context(), false)
	if err != nil {
		return err
	}
	defer ws.Close()
	msg, err := change(cmd.Context(), ws.WH, id)
	if err != nil {
		return err
	}
	fmt.Fprintln(cmd.OutOrStdout(), msg)
	return nil
}

// caseID reads a case number as people write it ("12" or "#12").
func caseID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, usagef(say("ID kasus %q bukan angka", "case ID %q is not a number"), s)
	}
	return id, nil
}
