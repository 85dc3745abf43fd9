package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// pantau jobs list | run NAME | history, with the warehouse owned by the CLI (no server).
func TestJobsCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32.76")
	list := mustPantau(t, "-C", dir, "jobs", "list")
	for _, want := range []string{"inbox    */10 * * * *", "nightly  0 1 * * *", "sweep    0 6 * * 1", " WIB "} {
		if !strings.Contains(list, want) {
			t.Fatalf("jobs list lacks %q:\n%s", want, list)
		}
	}
	out := mustPantau(t, "-C", dir, "jobs", "run", "inbox")
	if !strings.Contains(out, "#1 inbox (manual)") || !strings.Contains(out, "status succeeded") || !strings.Contains(out, "inbox      succeeded") {
		t.Fatalf("jobs run inbox:\n%s", out)
	}
	hist := mustPantau(t, "-C", dir, "jobs", "history", "inbox")
	if !strings.Contains(hist, "#1 inbox (manual)") {
		t.Fatalf("history:\n%s", hist)
	}
	_, err := pantau(t, "-C", dir, "jobs", "run", "tidakada")
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "tugas tidak dikenal") {
		t.Fatalf("unknown job: %v", err)
	}
}
