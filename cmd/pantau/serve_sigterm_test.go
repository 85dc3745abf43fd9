package main

import (
	"bufio"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The real binary on a real SIGTERM: start `pantau serve`, start the nightly job through the web
// page, send SIGTERM while it runs; the process exits 0, no run is left "running", and DuckDB was
// checkpointed (no WAL beside the file) and released (the CLI opens it at once).
func TestServeSIGTERMBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "pantau")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Setenv("PANTAU_AS_OF", "2026-11-22")
	dir := filepath.Join(t.TempDir(), "ws")
	mustPantau(t, "init", dir, "--wilayah", "32.76")
	pantauIn(t, "rahasia-admin1\n", "-C", dir, "user", "add", "admin", "--peran", "admin", "--password-stdin")
	os.WriteFile(filepath.Join(dir, "inbox", "a.csv"), []byte(uploadA), 0o644)

	cmd := exec.Command(bin, "-C", dir, "--log-level", "info", "serve", "--addr", "127.0.0.1:0")
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stdout)
	addrRe := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)`)
	var base string
	for sc.Scan() {
		if m := addrRe.FindStringSubmatch(sc.Text()); m != nil {
			base = "http://" + m[1]
			break
		}
	}
	if base == "" {
		t.Fatalf("no address printed; stderr:\n%s", stderr.String())
	}
	go func() {
		for sc.Scan() {
		}
	}()
	if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v", err)
	}
	cl := login(t, base, "admin", "rahasia-admin1")
	// inbox first (loads a.csv), then nightly; SIGTERM lands while the nightly job runs.
	cl.post("/tugas/inbox/jalankan", url.Values{"csrf": {cl.csrf}})
	cl.waitJob("inbox", 1)
	cl.post("/tugas/nightly/jalankan", url.Values{"csrf": {cl.csrf}})
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v\n%s", err, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not stop within 60 s of SIGTERM\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "warehouse checkpointed and closed") {
		t.Fatalf("no checkpoint in the log:\n%s", stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "pantau.duckdb.wal")); !os.IsNotExist(err) {
		t.Fatalf("WAL left after SIGTERM: %v", err)
	}
	got := sqlRows(t, dir, `select job, status from ops.job_runs order by id`)
	if len(got) != 2 || got[0][1] != "succeeded" || (got[1][1] != "succeeded" && got[1][1] != "cancelled") {
		t.Fatalf("job runs after SIGTERM: %v (the nightly run must have finished or been cancelled, not left running)", got)
	}
	if got := sqlRows(t, dir, `select count(*) from ops.runs where status = 'running'`); got[0][0] != "0" {
		t.Fatalf("%s stage runs left running", got[0][0])
	}
}
