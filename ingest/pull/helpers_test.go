package pull

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/ingest/apisim"
	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/testws"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// fakeClock advances only when slept on; every wait is recorded.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.sleeps = append(c.sleeps, d)
		c.now = c.now.Add(d)
	}
	return ctx.Err()
}

// waits are the sleeps longer than the rate limit's spacing (the retries' backoff).
func (c *fakeClock) waits(over time.Duration) []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []time.Duration
	for _, d := range c.sleeps {
		if d > over {
			out = append(out, d)
		}
	}
	return out
}

// newWS makes a fresh workspace (a real DuckDB file in a temp dir).
func newWS(t *testing.T) (*workspace.Workspace, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return testws.New(t, log), &logs
}

// laporan is the app's report number i, with figures a person can check by hand:
// members 10+i men and 5 women, aset i·1,000 thousand rupiah = i million rupiah.
func laporan(i int) apisim.Laporan {
	return apisim.Laporan{
		ID: i, UpdatedAt: fmt.Sprintf("2026-01-%02dT08:00:00Z", i), NIK: nik(i), Nama: fmt.Sprintf("KSP Maju %d", i),
		JenisKode: "01", KodeWilayah: "32.76", Tahun: 2024, TanggalRAT: "2025-03-15",
		Pria: int64(10 + i), Wanita: 5, Pokok: 1_000_000, Wajib: 2_500_000, Cadangan: 500_000, Hibah: 0,
		AsetRibu: float64(1000 * i), Volume: 9_000_000, SHU: -150_000,
	}
}

func nik(i int) string { return fmt.Sprintf("32760100000000%02d", i) }

func laporans(n int) []apisim.Laporan {
	out := make([]apisim.Laporan, n)
	for i := range out {
		out[i] = laporan(i + 1)
	}
	return out
}

// source is a [[sumber]] for the simulated app at path, defaults filled as Load fills them.
func source(t *testing.T, srv *apisim.Server, path, paginasi string, size int) *config.Sumber {
	t.Helper()
	s := config.DefaultSumber()
	s.Nama, s.URL, s.Paginasi, s.UkuranHalaman = "app", srv.URL+path, paginasi, size
	switch paginasi {
	case "offset", "cursor":
		s.SizeParam = "limit"
	case "next_link":
		s.SizeParam = "limit"
	}
	if paginasi == "cursor" {
		s.NextPath = "next_cursor"
	}
	s.SinceParam, s.SinceField = "updated_since", "updated_at"
	s.Peta, s.Kali, s.Nilai = apisim.Peta(), apisim.Kali(), apisim.Nilai()
	s.PermintaanPerMenit = 600
	s.MaxPercobaan, s.BackoffAwalMS, s.BackoffMaksDetik = 3, 500, 60
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	return &s
}

func count(t *testing.T, ws *workspace.Workspace, q string, args ...any) int {
	t.Helper()
	var n int
	if err := ws.WH.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// loadedNIKs are the nik of raw.laporan, in order, with repeats (a duplicate would show twice).
func loadedNIKs(t *testing.T, ws *workspace.Workspace) []string {
	t.Helper()
	rows, err := ws.WH.DB().Query(`SELECT nik FROM raw.laporan ORDER BY nik`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

func wantNIKs(n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, nik(i))
	}
	return out
}
