package app

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

const inboxCSV = "NIK;Nama Koperasi;Tahun Buku;Anggota Pria;Anggota Wanita\n" +
	"3276010000000001;KSP Maju;2025;10;5\n3276010000000002;Kopwan Melati;2025;0;40\n"

// The inbox scan: a file still being written (modified a moment ago) is left alone; a settled file
// is loaded and archived under archive/YYYY/MM/<id>-name; the same bytes under another name are
// recognised by content (no second submission) and archived with the first submission's id.
func TestInboxSettledAndByContent(t *testing.T) {
	ws, _, err := workspace.Init(context.Background(), filepath.Join(t.TempDir(), "ws"), "32.76", "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	inbox := ws.Config.Abs(ws.Config.Paths.Inbox)
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	write := func(name string, mod time.Time) string {
		p := filepath.Join(inbox, name)
		if err := os.WriteFile(p, []byte(inboxCSV), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, mod, mod)
		return p
	}
	settled := write("laporan.csv", now.Add(-time.Minute))
	copying := write("salinan.csv", now.Add(-2*time.Second))
	o := InboxOptions{Quiet: 10 * time.Second, Now: func() time.Time { return now }}
	sums, err := IngestInboxWith(context.Background(), ws, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 1 || sums[0].Accepted != 2 || sums[0].Status != "diterima" {
		t.Fatalf("first scan: %+v", sums)
	}
	id := sums[0].SubmissionID
	if _, err := os.Stat(settled); !os.IsNotExist(err) {
		t.Fatal("the loaded file must leave the inbox")
	}
	arch := filepath.Join(ws.Config.Abs(ws.Config.Paths.Archive), time.Now().In(ws.Config.Location()).Format("2006/01"), "1-laporan.csv")
	if id != 1 {
		t.Fatalf("submission id %d", id)
	}
	if _, err := os.Stat(arch); err != nil {
		t.Fatalf("archive: %v", err)
	}
	if _, err := os.Stat(copying); err != nil {
		t.Fatal("a file still being written must stay for the next scan")
	}
	// Next scan, the copy has settled: same bytes as laporan.csv → duplicate, archived, no new rows.
	now = now.Add(time.Minute)
	sums, err = IngestInboxWith(context.Background(), ws, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 1 || sums[0].Status != "duplikat" || sums[0].SubmissionID != 1 {
		t.Fatalf("second scan: %+v", sums[0])
	}
	var subs, rows int
	ws.WH.DB().QueryRow(`SELECT (SELECT count(*) FROM ops.submissions), (SELECT count(*) FROM raw.laporan)`).Scan(&subs, &rows)
	if subs != 1 || rows != 2 {
		t.Fatalf("submissions %d, raw rows %d; want 1 and 2", subs, rows)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(arch), "1-salinan.csv")); err != nil {
		t.Fatalf("duplicate archived: %v", err)
	}
}

func TestSettled(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 10, 0, time.UTC)
	if Settled(now.Add(-9*time.Second), now, 10*time.Second) || !Settled(now.Add(-10*time.Second), now, 10*time.Second) {
		t.Fatal("quiet period boundary")
	}
}
