// Command pantau is the data-reporting pipeline and warehouse for cooperative-supervision offices.
// Each subcommand lives in its own file, named after it (cmd_ingest.go …).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// Exit codes, SPEC §6.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// globals are the persistent flags every command sees.
type globals struct {
	dir      string
	lang     string
	logLevel string
	log      *slog.Logger
}

var g globals

// usageError marks an error as bad usage (exit 2).
type usageError struct{ error }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// say picks the Indonesian or English text of a message to a person (--lang).
func say(id, en string) string {
	if g.lang == "en" {
		return en
	}
	return id
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "pantau",
		Short: "Pantau: pipeline data dan gudang analitik untuk Dinas Koperasi",
		Long: "Pantau menerima laporan koperasi (XLSX/CSV, API), menyimpannya di gudang data DuckDB,\n" +
			"menilai kesehatan dan keaktifan, dan menerbitkan dasbor statis.\n\n" +
			"Pantau ingests cooperative reports (XLSX/CSV, APIs) into a DuckDB warehouse, scores health and\n" +
			"activity, and publishes static dashboards.",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if g.lang != "id" && g.lang != "en" {
				return usagef("--lang harus id atau en")
			}
			var lvl slog.Level
			if err := lvl.UnmarshalText([]byte(g.logLevel)); err != nil {
				return usagef("--log-level: %v", err)
			}
			g.log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
			slog.SetDefault(g.log)
			return nil
		},
	}
	root.PersistentFlags().StringVarP(&g.dir, "dir", "C", ".", "folder workspace (yang berisi pantau.toml)")
	root.PersistentFlags().StringVar(&g.lang, "lang", "id", "bahasa pesan: id atau en")
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "warn", "tingkat log: debug, info, warn, error")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	for _, add := range commands {
		root.AddCommand(add())
	}
	if langFromArgs(os.Args[1:]) != "en" {
		localiseHelp(root)
	}
	return root
}

// commands is filled by each cmd_*.go file's init, so files can be added without touching this one.
var commands []func() *cobra.Command

func register(f func() *cobra.Command) { commands = append(commands, f) }

// openWS opens the workspace of -C (or the nearest above it).
func openWS(ctx context.Context, readOnly bool) (*workspace.Workspace, error) {
	return workspace.Open(ctx, g.dir, readOnly, g.log)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRoot()
	err := root.ExecuteContext(ctx)
	if err == nil {
		return
	}
	msg := err.Error()
	if g.lang != "en" {
		msg = translateCobraError(msg)
	}
	fmt.Fprintln(os.Stderr, "pantau:", msg)
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		os.Exit(exitUsage)
	}
	os.Exit(exitFailure)
}

// isCobraUsage recognises cobra's own argument errors ("unknown command", "accepts 1 arg(s)").
func isCobraUsage(err error) bool {
	msg := strings.ToLower(err.Error())
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires at most", "invalid argument", "flag needs an argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// notYet is the body of a command that a later issue builds: it says so plainly and fails.
func notYet(name, issue string) func(cmd *cobra.Command, args []string) error {
	return func(cmd *cobra.Command, args []string) error {
		return fmt.Errorf(say("`pantau %s` belum tersedia di versi ini (dibangun di %s)", "`pantau %s` is not available in this version yet (built in %s)"), name, issue)
	}
}

// langFromArgs reads --lang before cobra parses the flags, because the help template must be chosen
// when the command tree is built.
func langFromArgs(args []string) string {
	for i, a := range args {
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			return v
		}
		if a == "--lang" && i+1 < len(args) {
			return args[i+1]
		}
	}
	return "id"
}
