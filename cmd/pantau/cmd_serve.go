package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/app/web"
	"github.com/pantau-koperasi/pantau/internal/users"
	"github.com/pantau-koperasi/pantau/schedules"
)

func init() {
	register(func() *cobra.Command {
		var addr string
		cmd := &cobra.Command{
			Use:   "serve [--addr 127.0.0.1:8080]",
			Short: "Server: penjadwal, unggah, API push, dasbor, tindak lanjut; /healthz, /metrics",
			Long: "Menjalankan Pantau sebagai satu proses yang memegang gudang data: tugas terjadwal (inbox,\n" +
				"pull, malam, sapu mingguan), halaman web (masuk, unggah, dasbor, tindak lanjut), API push\n" +
				"/api/v1, /healthz dan /metrics. SIGTERM/Ctrl-C: tugas yang berjalan diberi waktu selesai\n" +
				"(serve.shutdown_seconds), lalu gudang data di-checkpoint dan ditutup.",
			Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, args []string) error { return runServe(cmd, addr) },
		}
		cmd.Flags().StringVar(&addr, "addr", "", "alamat server (bawaan: serve.addr di pantau.toml)")
		return cmd
	})
}

func runServe(cmd *cobra.Command, addr string) (err error) {
	ctx := cmd.Context()
	// A server logs its requests and jobs: info level unless --log-level says otherwise.
	if f := cmd.Flag("log-level"); f != nil && !f.Changed {
		g.log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
		slog.SetDefault(g.log)
	}
	ws, err := openWS(ctx, false)
	if err != nil {
		return err
	}
	// Closed last, after the jobs: Close checkpoints, so the WAL is folded into the file.
	defer func() {
		if cerr := ws.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("menutup gudang data: %w", cerr))
		} else {
			ws.Log.Info("warehouse checkpointed and closed")
		}
	}()
	cfg := ws.Config
	if addr == "" {
		addr = cfg.Serve.Addr
	}
	jobs, err := schedules.Jobs(cfg, pipelineStages())
	if err != nil {
		return usagef("%v", err)
	}
	policy, err := schedules.ParseMissedPolicy(cfg.Schedules.Missed)
	if err != nil {
		return usagef("%v", err)
	}
	runner := schedules.NewRunner(ws, jobs, schedules.Options{Missed: policy, Grace: time.Duration(cfg.Schedules.GraceMins) * time.Minute})
	srv, err := web.New(ws, web.Options{Runner: runner, API: pushAPI(ws, runner), FollowUp: followUps(ws)})
	if err != nil {
		return err
	}
	runner.SetObserve(srv.Observe)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf(say("tidak dapat mendengarkan di %s: %w", "cannot listen on %s: %w"), addr, err)
	}
	if err := runner.Start(ctx, schedules.NewCron(cfg.Location())); err != nil {
		ln.Close()
		return err
	}
	hs := srv.HTTPServer(addr)
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	fmt.Fprintf(cmd.OutOrStdout(), say("Pantau berjalan di http://%s (Ctrl-C untuk berhenti)\n", "Pantau is serving at http://%s (Ctrl-C to stop)\n"), ln.Addr())
	if us, err := users.List(ctx, ws.WH); err == nil && len(us) == 0 {
		fmt.Fprintln(cmd.OutOrStdout(), say("Belum ada pengguna. Buat admin pertama: pantau user add admin --peran admin",
			"No users yet. Create the first admin: pantau user add admin --peran admin"))
	}
	ws.Log.Info("serving", "addr", ln.Addr().String(), "jobs", len(jobs))

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			_ = runner.Shutdown(context.Background())
			return fmt.Errorf("server web berhenti: %w", err)
		}
	}
	fmt.Fprintln(cmd.OutOrStdout(), say("Berhenti: menunggu tugas yang berjalan…", "Stopping: waiting for running jobs…"))
	// 1. No new requests; in-flight requests (an upload being confirmed) get a few seconds.
	hctx, hcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer hcancel()
	if err := hs.Shutdown(hctx); err != nil {
		ws.Log.Warn("http shutdown", "err", err)
	}
	// 2. No new ticks; the running job finishes within serve.shutdown_seconds or is cancelled.
	jctx, jcancel := context.WithTimeout(context.Background(), time.Duration(cfg.Serve.ShutdownSecs)*time.Second)
	defer jcancel()
	if err := runner.Shutdown(jctx); err != nil {
		ws.Log.Warn("jobs cancelled at shutdown", "err", err)
	}
	// 3. The deferred ws.Close checkpoints and closes DuckDB.
	return nil
}
