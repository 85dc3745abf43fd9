package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// InboxOptions tune an inbox scan.
type InboxOptions struct {
	// Quiet: a file changed less than this long ago may still be being copied and is left for the
	// next scan. Zero means the [schedules] inbox_quiet_seconds setting; negative means no wait (the
	// caller wrote the files itself and knows they are complete, as `pantau demo` does).
	Quiet time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// IngestInbox loads every spreadsheet in the inbox folder and moves each handled file (loaded,
// duplicate, or refused) to archive/YYYY/MM/<submission id>-<name>, so nothing is read twice and
// nothing is lost. Files are known by content (ingest hashes them; the same bytes under another name
// are a duplicate, not a second submission). A file that fails for a reason other than its content
// stays for the next scan, and so does a file that may still be being written.
func IngestInbox(ctx context.Context, ws *workspace.Workspace) ([]*ingest.Summary, error) {
	return IngestInboxWith(ctx, ws, InboxOptions{})
}

// IngestInboxWith is IngestInbox with explicit options.
func IngestInboxWith(ctx context.Context, ws *workspace.Workspace, o InboxOptions) ([]*ingest.Summary, error) {
	if o.Quiet == 0 {
		o.Quiet = time.Duration(ws.Config.Schedules.InboxQuietSecs) * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	inbox := ws.Config.Abs(ws.Config.Paths.Inbox)
	files, err := ingest.ExpandPaths([]string{inbox})
	if err != nil {
		return nil, err
	}
	var sums []*ingest.Summary
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return sums, err
		}
		before, err := os.Stat(f)
		if err != nil {
			continue // moved away meanwhile
		}
		if !Settled(before.ModTime(), o.Now(), o.Quiet) {
			ws.Log.Info("inbox file still changing, left for the next scan", "file", f, "modified", before.ModTime())
			continue
		}
		s, err := ingest.IngestFile(ctx, ws, f, ingest.Options{Source: "inbox"})
		sums = append(sums, s)
		if err != nil && s.Status != ingest.StatusDitolak {
			ws.Log.Warn("inbox file left for the next scan", "file", f, "err", err)
			continue
		}
		// Second look: if the file changed while it was read, what was loaded is not what is there
		// now. The loaded bytes are recorded by hash; the file stays, and the next scan loads the
		// final content (or finds it a duplicate).
		after, err := os.Stat(f)
		if err != nil || !sameFile(before, after) {
			ws.Log.Warn("inbox file changed while it was read, left for the next scan", "file", f)
			continue
		}
		if err := Archive(ws, f, s.SubmissionID); err != nil {
			return sums, err
		}
	}
	return sums, nil
}

// Settled reports whether a file last modified at mod may be read at now: it has been quiet for at
// least quiet. (A copy in progress keeps touching the modification time.)
func Settled(mod, now time.Time, quiet time.Duration) bool {
	return now.Sub(mod) >= quiet
}

func sameFile(a, b os.FileInfo) bool {
	return a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// Archive moves a handled file to archive/YYYY/MM/<id>-<name>.
func Archive(ws *workspace.Workspace, path string, id int64) error {
	now := time.Now().In(ws.Config.Location())
	dir := filepath.Join(ws.Config.Abs(ws.Config.Paths.Archive), now.Format("2006"), now.Format("01"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dst := filepath.Join(dir, fmt.Sprintf("%d-%s", id, filepath.Base(path)))
	if err := os.Rename(path, dst); err != nil {
		return fmt.Errorf("memindahkan %s ke arsip: %w", path, err)
	}
	return nil
}
