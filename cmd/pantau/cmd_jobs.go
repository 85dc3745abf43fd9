package main

import (
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/warehouse"
	"github.com/pantau-koperasi/pantau/schedules"
)

func init() {
	register(func() *cobra.Command {
		cmd := &cobra.Command{
			Use:   "jobs list|run NAME|history [NAME]",
			Short: "Tugas terjadwal server: daftar, jalankan sekarang, riwayat",
		}
		cmd.AddCommand(newJobsListCmd(), newJobsRunCmd(), newJobsHistoryCmd())
		return cmd
	})
}

// showTime renders a UTC time in the office's zone.
func showTime(cfg *config.Config, t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(cfg.Location()).Format("2006-01-02 15:04 MST")
}

func newJobsListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "Daftar tugas, jadwalnya, jalan berikutnya dan status terakhir",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWS(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			jobs, err := schedules.Jobs(ws.Config, pipelineStages())
			if err != nil {
				return usagef("%v", err)
			}
			states, err := schedules.States(cmd.Context(), ws.WH)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, say("TUGAS\tJADWAL\tBERIKUTNYA\tTERAKHIR MULAI\tSTATUS\tKETERANGAN", "JOB\tSCHEDULE\tNEXT\tLAST STARTED\tSTATUS\tDESCRIPTION"))
			now := time.Now()
			for _, j := range jobs {
				st := states[j.Name]
				next := schedules.NextRuns(j.Schedule, now, 1)
				var n time.Time
				if len(next) > 0 {
					n = next[0]
				}
				status := st.LastStatus
				if status == "" {
					status = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", j.Name, j.Spec, showTime(ws.Config, n), showTime(ws.Config, st.LastStarted), status, j.Title)
			}
			return tw.Flush()
		},
	}
}

func newJobsRunCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "run NAME",
		Short: "Jalankan satu tugas sekarang (saat server tidak berjalan; selagi server berjalan pakai halaman Tugas)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWS(cmd.Context(), false)
			if errors.Is(err, warehouse.ErrLocked) {
				return fmt.Errorf(say("selagi `pantau serve` berjalan, jalankan tugas dari halaman Tugas terjadwal (/tugas) sebagai admin: %w",
					"while `pantau serve` runs, run jobs from its Tugas page (/tugas) as an admin: %w"), err)
			}
			if err != nil {
				return err
			}
			defer ws.Close()
			jobs, err := schedules.Jobs(ws.Config, pipelineStages())
			if err != nil {
				return usagef("%v", err)
			}
			r := schedules.NewRunner(ws, jobs, schedules.Options{})
			res, runErr := r.Run(cmd.Context(), args[0], schedules.ByHand, time.Time{})
			if errors.Is(runErr, schedules.ErrUnknownJob) {
				return usagef("%v (lihat `pantau jobs list`)", runErr)
			}
			if res.ID > 0 {
				hist, err := schedules.History(cmd.Context(), ws.WH, args[0], 1)
				if err == nil && len(hist) == 1 {
					printRun(cmd, ws.Config, hist[0])
				}
			}
			return runErr
		},
	}
}

func printRun(cmd *cobra.Command, cfg *config.Config, r schedules.RunRecord) {
	out := cmd.OutOrStdout()
	dur := "-"
	if !r.Finished.IsZero() {
		dur = r.Finished.Sub(r.Started).Round(time.Millisecond).String()
	}
	fmt.Fprintf(out, say("#%d %s (%s) mulai %s, %s, status %s", "#%d %s (%s) started %s, %s, status %s"), r.ID, r.Job, r.Trigger, showTime(cfg, r.Started), dur, r.Status)
	if r.Attempts > 1 {
		fmt.Fprintf(out, say(", %d percobaan", ", %d attempts"), r.Attempts)
	}
	fmt.Fprintln(out)
	if r.Message != "" {
		fmt.Fprintf(out, "    %s\n", r.Message)
	}
	for _, s := range r.Stages {
		d := "-"
		if !s.Finished.IsZero() {
			d = s.Finished.Sub(s.Started).Round(time.Millisecond).String()
		}
		fmt.Fprintf(out, say("    %-10s %-10s %8d baris  %s", "    %-10s %-10s %8d rows  %s"), s.Stage, s.Status, s.Rows, d)
		if s.Error != "" {
			fmt.Fprintf(out, "  %s", s.Error)
		}
		fmt.Fprintln(out)
	}
}

func newJobsHistoryCmd() *cobra.Command {
	var n int
	cmd := &cobra.Command{
		Use:   "history [NAME]",
		Short: "Riwayat tugas: pemicu, tahap, jumlah baris, durasi, galat, dan setiap yang dilewati",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := openWS(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer ws.Close()
			job := ""
			if len(args) == 1 {
				job = args[0]
			}
			hist, err := schedules.History(cmd.Context(), ws.WH, job, n)
			if err != nil {
				return err
			}
			if len(hist) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), say("Belum ada riwayat tugas.", "No job history yet."))
			}
			for _, r := range hist {
				printRun(cmd, ws.Config, r)
			}
			return nil
		},
	}
	cmd.Flags().IntVarP(&n, "jumlah", "n", 20, "banyaknya run terakhir yang ditampilkan")
	return cmd
}
