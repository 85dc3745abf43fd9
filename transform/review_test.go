package transform

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestShouldHoldAndSourceKey(t *testing.T) {
	for _, c := range []struct {
		rows, prev int64
		ratio      float64
		want       bool
	}{
		{49, 100, 0.5, true}, {50, 100, 0.5, false}, {0, 100, 0.5, true}, {0, 9, 0.5, false}, {4, 10, 0.5, true}, {5, 10, 0.5, false}, {10, 100, 0, false},
	} {
		if got := ShouldHold(c.rows, c.prev, c.ratio); got != c.want {
			t.Errorf("ShouldHold(%d, %d, %v) = %v", c.rows, c.prev, c.ratio, got)
		}
	}
	if SourceKey("laporan", "inbox", "Laporan_2024.xlsx") != SourceKey("laporan", "inbox", "laporan_2025.xlsx") {
		t.Error("the same file a year later is not the same source")
	}
	if SourceKey("laporan", "inbox", "Laporan 2024 (1).csv") != SourceKey("laporan", "inbox", "laporan_2025.xlsx") {
		t.Error("a browser's copy mark or another format makes another source")
	}
	if SourceKey("laporan", "inbox", "laporan_depok.xlsx") == SourceKey("laporan", "inbox", "laporan_bogor.xlsx") {
		t.Error("two offices' files are the same source")
	}
	if SourceKey("laporan", "api:simkopdes", "a") != SourceKey("laporan", "api:simkopdes", "b") {
		t.Error("an API source depends on the page name")
	}
	// A pull's last page is short by nature, a push is whatever the client sends: only files are judged.
	for src, want := range map[string]bool{"inbox": true, "upload": true, "cli": true, "api:simkopdes": false, "push": false, "push:token-7": false} {
		if Guarded(src) != want {
			t.Errorf("Guarded(%q) = %v, want %v", src, !want, want)
		}
	}
}

func rows(prefix string, n, tahun int, kv ...any) []rec {
	var out []rec
	for i := 0; i < n; i++ {
		out = append(out, with(good(fmt.Sprintf("%s%04d", prefix, i), tahun), kv...))
	}
	return out
}

// A truncated load is held for review while the last good marts stay; reject keeps it out, accept
// publishes it.
func TestTruncatedLoadHeldWhileLastGoodStays(t *testing.T) {
	ws := newWS(t)
	ctx := context.Background()
	good1 := addLoad(t, ws, "laporan", "laporan_2023.xlsx", day("2024-03-01"), rows("327601000000", 20, 2023)...)
	run(t, ws)
	if n := queryInt(t, ws, `SELECT count(*) FROM mart.laporan`); n != 20 {
		t.Fatalf("mart.laporan %d rows, want 20", n)
	}
	// the same source re-sends 2023 with only 4 rows (and different SHU): below 50 % of 20
	cut := addLoad(t, ws, "laporan", "laporan_2023 (1).xlsx", day("2024-04-01"), rows("327601000000", 4, 2023, "shu", 999)...)
	// another source with few rows is not compared with this one
	other := addLoad(t, ws, "laporan", "kecamatan_cimanggis.xlsx", day("2024-04-01"), rows("327602000000", 3, 2023)...)
	g := gateOf(t, run(t, ws))
	if len(g.Held) != 1 || g.Held[0].SubmissionID != cut || g.Held[0].PreviousID != good1 || g.Held[0].Rows != 4 || g.Held[0].PreviousRows != 20 {
		t.Fatalf("held %+v, want load #%d (4 rows) against #%d (20 rows)", g.Held, cut, good1)
	}
	if !strings.Contains(g.Held[0].Message, "ditahan untuk ditinjau") || !strings.Contains(g.Held[0].Message, fmt.Sprintf("pantau review accept %d", cut)) {
		t.Errorf("held message: %s", g.Held[0].Message)
	}
	if n := queryInt(t, ws, `SELECT count(*) FROM mart.laporan WHERE shu = 999`); n != 0 {
		t.Errorf("%d rows of the held load reached mart.laporan", n)
	}
	if n := queryInt(t, ws, `SELECT count(*) FROM mart.laporan`); n != 23 {
		t.Errorf("mart.laporan %d rows, want the 20 last good + 3 of the other source", n)
	}
	if n := queryInt(t, ws, `SELECT count(*) FROM mart.laporan WHERE submission_id = ?`, other); n != 3 {
		t.Errorf("the other source's load was held too")
	}
	if st := queryStr(t, ws, `SELECT status_versi FROM core.laporan_versi WHERE submission_id = ? LIMIT 1`, cut); st != "ditahan" {
		t.Errorf("core.laporan_versi shows the held version as %q", st)
	}
	// judged once: a second run does not hold it again or hold anything else
	if g2 := gateOf(t, run(t, ws)); len(g2.Held) != 0 {
		t.Errorf("second run held %+v", g2.Held)
	}
	list, err := ListReviews(ctx, ws.WH, false)
	if err != nil || len(list) != 1 || list[0].SubmissionID != cut || list[0].Status != StatusDitahan {
		t.Fatalf("review list %+v %v", list, err)
	}
	if err := Decide(ctx, ws.WH, cut, false, "budi", "berkas terpotong", day("2024-04-02")); err != nil {
		t.Fatal(err)
	}
	run(t, ws)
	if n := queryInt(t, ws, `SELECT count(*) FROM mart.laporan WHERE shu = 999`); n != 0 {
		t.Errorf("a rejected load reached the marts")
	}
	if list, _ := ListReviews(ctx, ws.WH, false); len(list) != 0 {
		t.Errorf("a decided load is still waiting: %+v", list)
	}
	all, _ := ListReviews(ctx, ws.WH, true)
	if len(all) != 1 || all[0].Status != StatusDitolak || all[0].DecidedBy != "budi" || all[0].Note != "berkas terpotong" {
		t.Errorf("decided list %+v", all)
	}
	// a reviewer may change their mind
	if err := Decide(ctx, ws.WH, cut, true, "budi", "dikonfirmasi koperasi", day("2024-04-03")); err != nil {
		t.Fatal(err)
	}
	run(t, ws)
	if n := queryInt(t, ws, `SELECT count(*) FROM mart.laporan WHERE shu = 999`); n != 4 {
		t.Errorf("accepted load: %d rows with its values in mart.laporan, want 4", n)
	}
	if err := Decide(ctx, ws.WH, 999, true, "budi", "", day("2024-04-03")); err == nil || !strings.Contains(err.Error(), "#999") {
		t.Errorf("deciding an unknown load: %v", err)
	}
}

// An error-severity failure keeps the load out while the last good marts stay, tells the staff why in
// ops.check_blocks, and `review accept` overrides it.
func TestErrorCheckBlocksLoadLastGoodStays(t *testing.T) {
	ws := newWS(t)
	ctx := context.Background()
	addLoad(t, ws, "laporan", "laporan_ksp.xlsx", day("2024-03-01"), rows("327601000000", 12, 2023)...)
	run(t, ws)
	// the corrected file has pinjaman macet above pinjaman diberikan in every row
	bad := addLoad(t, ws, "laporan", "laporan_ksp_revisi.xlsx", day("2024-04-01"), rows("327601000000", 12, 2023, "pinjaman_macet", 900_000_000)...)
	g := gateOf(t, run(t, ws))
	var msgs []string
	for _, b := range g.Blocked {
		if b.SubmissionID != bad {
			t.Errorf("blocked load #%d, want only #%d", b.SubmissionID, bad)
		}
		msgs = append(msgs, b.Check)
	}
	if len(msgs) == 0 {
		t.Fatal("the bad load was not blocked")
	}
	if n := queryInt(t, ws, `SELECT count(*) FROM mart.laporan WHERE pinjaman_macet = 10000000`); n != 12 {
		t.Errorf("the last good state is gone: %d rows with the old value, want 12", n)
	}
	msg := queryStr(t, ws, `SELECT message FROM ops.check_blocks WHERE submission_id = ? AND check_name = 'pinjaman_macet_tidak_melebihi_pinjaman'`, bad)
	for _, want := range []string{fmt.Sprintf("Kiriman #%d (laporan_ksp_revisi.xlsx) tidak diterbitkan", bad), "pinjaman macet lebih besar daripada pinjaman yang diberikan",
		"12 dari 12 baris", "NIK 3276010000000000 tahun buku 2023"} {
		if !strings.Contains(msg, want) {
			t.Errorf("block message %q lacks %q", msg, want)
		}
	}
	list, err := ListReviews(ctx, ws.WH, false)
	if err != nil || len(list) != 1 || list[0].SubmissionID != bad || list[0].Reason != "cek_error" {
		t.Fatalf("review list %+v %v", list, err)
	}
	if err := Decide(ctx, ws.WH, bad, true, "sari", "pinjaman macet memang dihitung berbeda", day("2024-04-02")); err != nil {
		t.Fatal(err)
	}
	g = gateOf(t, run(t, ws))
	for _, b := range g.Blocked {
		if !b.Accepted {
			t.Errorf("accepted load still blocked: %+v", b)
		}
	}
	if n := queryInt(t, ws, `SELECT count(*) FROM mart.laporan WHERE pinjaman_macet = 900000000`); n != 12 {
		t.Errorf("accepted load: %d rows published, want 12", n)
	}
}
