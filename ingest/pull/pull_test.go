package pull

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/ingest"
	"github.com/pantau-koperasi/pantau/ingest/apisim"
	"github.com/pantau-koperasi/pantau/internal/config"
)

// Every pagination style reads exactly the app's rows: 7 records in pages of 3 are 3 pages, each a
// submission with its body kept, and the figures arrive as the app meant them.
func TestPaginationStyles(t *testing.T) {
	// page and offset end at the first empty page (a short page may be a server's cap), so they
	// make one request more than the styles where the source says there is no next page.
	cases := []struct {
		name, path, paginasi, nextPath string
		requests                       int
	}{
		{"page", apisim.PathPage, "page", "", 4},
		{"offset", apisim.PathOffset, "offset", "", 4},
		{"cursor", apisim.PathCursor, "cursor", "next_cursor", 3},
		{"next_link body", apisim.PathLink, "next_link", "links.next", 3},
		{"next_link header", apisim.PathLink, "next_link", "", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, err := apisim.Start(laporans(7), apisim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			ws, _ := newWS(t)
			src := source(t, srv, c.path, c.paginasi, 3)
			src.NextPath = c.nextPath
			res, err := Pull(context.Background(), ws, src, Options{Clock: newFakeClock()})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Complete || len(res.Pages) != c.requests || len(srv.Requests()) != c.requests || res.Accepted != 7 || res.Quarantined != 0 {
				t.Fatalf("complete=%v pages=%d requests=%d accepted=%d quarantined=%d", res.Complete, len(res.Pages), len(srv.Requests()), res.Accepted, res.Quarantined)
			}
			if got := loadedNIKs(t, ws); !slices.Equal(got, wantNIKs(7)) {
				t.Fatalf("loaded %v", got)
			}
			if n := count(t, ws, `SELECT count(*) FROM ops.submissions WHERE source = 'api:app' AND rows_total > 0`); n != 3 {
				t.Fatalf("%d submissions, want 3 (one per page)", n)
			}
			if n := count(t, ws, `SELECT count(*) FROM raw.api_pages p JOIN ops.submissions s ON s.id = p.submission_id WHERE s.source = 'api:app'`); n != 3 {
				t.Fatalf("%d raw pages kept, want 3", n)
			}
			// Report 4 by hand: aset 4,000 thousand = Rp4,000,000; members 14 + 5; modal sendiri
			// 1,000,000 + 2,500,000 ("Rp 2.500.000" as text) + 500,000 + 0; jenis code 01.
			var aset, modal, shu float64
			var jumlah int
			var jenis, rat string
			err = ws.WH.DB().QueryRow(`SELECT total_aset::DOUBLE, modal_sendiri::DOUBLE, shu::DOUBLE, jumlah_anggota, jenis, strftime(tanggal_rat, '%Y-%m-%d')
				FROM raw.laporan WHERE nik = ?`, nik(4)).Scan(&aset, &modal, &shu, &jumlah, &jenis, &rat)
			if err != nil {
				t.Fatal(err)
			}
			if aset != 4_000_000 || modal != 4_000_000 || shu != -150_000 || jumlah != 19 || jenis != "simpan_pinjam" || rat != "2025-03-15" {
				t.Fatalf("report 4: aset %v modal %v shu %v jumlah %d jenis %s rat %s", aset, modal, shu, jumlah, jenis, rat)
			}
			// Provenance: page and position in the page.
			var sheet string
			var row int
			ws.WH.DB().QueryRow(`SELECT sheet, row_number FROM raw.laporan WHERE nik = ?`, nik(5)).Scan(&sheet, &row)
			if sheet != "halaman 2" || row != 2 {
				t.Fatalf("report 5 provenance: %q row %d, want halaman 2 row 2", sheet, row)
			}
		})
	}
}

// A page that keeps failing stops the pull after the pages before it committed; the next pull
// resumes at that page and the warehouse ends with exactly the app's rows, none twice.
func TestResumeAfterFailure(t *testing.T) {
	srv, err := apisim.Start(laporans(10), apisim.Options{Fail500: map[int]int{3: -1}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ws, _ := newWS(t)
	src := source(t, srv, apisim.PathCursor, "cursor", 3)
	clk := newFakeClock()
	res, err := Pull(context.Background(), ws, src, Options{Clock: clk})
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 500 || he.Attempts != 3 {
		t.Fatalf("want a 500 after 3 attempts, got %v", err)
	}
	if res.Accepted != 6 || res.Complete {
		t.Fatalf("first pull: accepted %d complete %v, want 6 and false", res.Accepted, res.Complete)
	}
	st, _ := LoadState(context.Background(), ws.WH, "app")
	if !st.InProgress() || st.RunPage != 2 || st.Watermark != "" {
		t.Fatalf("state after failure: %+v", st)
	}
	if got := loadedNIKs(t, ws); !slices.Equal(got, wantNIKs(6)) {
		t.Fatalf("after failure %v", got)
	}
	srv.Heal()
	res, err = Pull(context.Background(), ws, src, Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Resumed || !res.Complete || res.Accepted != 4 {
		t.Fatalf("resume: resumed %v complete %v accepted %d", res.Resumed, res.Complete, res.Accepted)
	}
	if got := loadedNIKs(t, ws); !slices.Equal(got, wantNIKs(10)) {
		t.Fatalf("after resume %v, want exactly the app's 10", got)
	}
	// The resumed request continued at the cursor of page 3, with the pull's since.
	reqs := srv.Requests()
	if last := reqs[len(reqs)-2]; !strings.Contains(last, "cursor=") {
		t.Fatalf("resume did not continue at the saved cursor: %v", reqs)
	}
	st, _ = LoadState(context.Background(), ws.WH, "app")
	if st.InProgress() || st.Watermark != "2026-01-10T08:00:00Z" {
		t.Fatalf("state after the pull: %+v", st)
	}
	// Incremental: the next pull asks only for what changed since, and gets nothing new.
	res, err = Pull(context.Background(), ws, src, Options{Clock: clk})
	if err != nil || res.RowsRead != 0 {
		t.Fatalf("nothing changed: rows %d err %v", res.RowsRead, err)
	}
	if last := srv.Requests()[len(srv.Requests())-1]; !strings.Contains(last, "updated_since=2026-01-10T08%3A00%3A00Z") {
		t.Fatalf("incremental pull did not send the watermark: %s", last)
	}
	// The app corrects report 2: only that record comes, as a newer submission.
	recs := laporans(10)
	recs[1].UpdatedAt, recs[1].AsetRibu = "2026-02-01T09:00:00Z", 2500.5
	srv.Set(recs)
	res, err = Pull(context.Background(), ws, src, Options{Clock: clk})
	if err != nil || res.Accepted != 1 {
		t.Fatalf("update: accepted %d err %v", res.Accepted, err)
	}
	var aset float64
	ws.WH.DB().QueryRow(`SELECT total_aset::DOUBLE FROM raw.laporan WHERE nik = ? ORDER BY submission_id DESC LIMIT 1`, nik(2)).Scan(&aset)
	if aset != 2_500_500 { // 2,500.5 thousand
		t.Fatalf("corrected aset %v", aset)
	}
}

// A failure inside a page's transaction (after its rows were written) rolls back the rows and the
// cursor together: the resume loads that page once.
func TestCursorCommitsWithItsPage(t *testing.T) {
	srv, err := apisim.Start(laporans(8), apisim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ws, _ := newWS(t)
	src := source(t, srv, apisim.PathPage, "page", 3)
	boom := errors.New("disk penuh (disimulasikan)")
	_, err = Pull(context.Background(), ws, src, Options{Clock: newFakeClock(), inTxHook: func(page int) error {
		if page == 2 {
			return boom
		}
		return nil
	}})
	if !errors.Is(err, boom) {
		t.Fatalf("want the injected failure, got %v", err)
	}
	if got := loadedNIKs(t, ws); !slices.Equal(got, wantNIKs(3)) {
		t.Fatalf("after the failed commit: %v (page 2 must be rolled back)", got)
	}
	st, _ := LoadState(context.Background(), ws.WH, "app")
	if st.Next == nil || st.Next.Page != 2 {
		t.Fatalf("cursor moved past an uncommitted page: %+v", st.Next)
	}
	if _, err := Pull(context.Background(), ws, src, Options{Clock: newFakeClock()}); err != nil {
		t.Fatal(err)
	}
	if got := loadedNIKs(t, ws); !slices.Equal(got, wantNIKs(8)) {
		t.Fatalf("after resume: %v", got)
	}
	if n := count(t, ws, `SELECT count(*) FROM ops.submissions`); n != 3 {
		t.Fatalf("%d submissions, want 3", n)
	}
}

// Pulling again without a since cursor meets the same pages byte for byte: nothing is loaded twice.
func TestSamePagesTwice(t *testing.T) {
	srv, err := apisim.Start(laporans(5), apisim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ws, _ := newWS(t)
	src := source(t, srv, apisim.PathOffset, "offset", 2)
	src.SinceParam, src.SinceField = "", ""
	for i := 0; i < 2; i++ {
		if _, err := Pull(context.Background(), ws, src, Options{Clock: newFakeClock()}); err != nil {
			t.Fatal(err)
		}
	}
	if got := loadedNIKs(t, ws); !slices.Equal(got, wantNIKs(5)) {
		t.Fatalf("%v", got)
	}
}

// Retries: 500s back off exponentially with jitter; a 429 waits exactly its Retry-After; the
// clock is fake, so a minute of waiting costs nothing.
func TestRetriesAndBackoff(t *testing.T) {
	srv, err := apisim.Start(laporans(4), apisim.Options{Fail500: map[int]int{1: 2}, Throttle: map[int]int{2: 1}, RetryAfter: "7"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ws, _ := newWS(t)
	src := source(t, srv, apisim.PathPage, "page", 2)
	src.PermintaanPerMenit = 60 // one request a second: spacing of 1s, below every backoff here
	clk := newFakeClock()
	res, err := Pull(context.Background(), ws, src, Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != 4 || res.Pages[0].Attempts != 3 || res.Pages[1].Attempts != 2 {
		t.Fatalf("accepted %d attempts %d/%d", res.Accepted, res.Pages[0].Attempts, res.Pages[1].Attempts)
	}
	w := clk.waits(0)
	// Sleeps: 500ms·[½,1] backoff, (rate limit), 1s·[½,1] backoff, ..., 7s Retry-After.
	var backoffs []time.Duration
	sawRetryAfter := false
	for _, d := range w {
		if d == 7*time.Second {
			sawRetryAfter = true
		}
		if d < 1*time.Second || (d > 1*time.Second && d != 7*time.Second) {
			backoffs = append(backoffs, d)
		}
	}
	if !sawRetryAfter {
		t.Fatalf("no 7s wait for Retry-After: %v", w)
	}
	if len(backoffs) < 1 || backoffs[0] < 250*time.Millisecond || backoffs[0] > 500*time.Millisecond {
		t.Fatalf("first backoff %v, want within [250ms, 500ms] (sleeps %v)", backoffs, w)
	}
	if n := len(srv.Requests()); n != 6 {
		t.Fatalf("%d requests, want 6 (3 for page 1, 2 for page 2, 1 for page 3)", n)
	}
}

// The retry decision itself: what is retried, after how long.
func TestDecide(t *testing.T) {
	b := Backoff{Initial: time.Second, Max: 30 * time.Second, Attempts: 5, Jitter: func(d time.Duration) time.Duration { return d }}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		attempt, status int
		retryAfter      string
		err             error
		want            Verdict
		wait            time.Duration
	}{
		{1, 200, "", nil, Done, 0},
		{1, 500, "", nil, Retry, time.Second},
		{2, 502, "", nil, Retry, 2 * time.Second},
		{4, 503, "", nil, Retry, 8 * time.Second},
		{5, 503, "", nil, GiveUp, 0}, // attempts used up
		{1, 429, "7", nil, Retry, 7 * time.Second},
		{1, 429, "3600", nil, Retry, 30 * time.Second}, // capped
		{1, 429, now.Add(12 * time.Second).Format(http.TimeFormat), nil, Retry, 12 * time.Second},
		{1, 429, "", nil, Retry, time.Second},
		{1, 400, "", nil, GiveUp, 0},
		{1, 401, "", nil, GiveUp, 0},
		{1, 403, "", nil, GiveUp, 0},
		{1, 404, "", nil, GiveUp, 0},
		{1, 422, "5", nil, GiveUp, 0},
		{1, 0, "", errors.New("connection refused"), Retry, time.Second},
		{3, 0, "", errors.New("connection reset"), Retry, 4 * time.Second},
		{1, 0, "", permanentError{errors.New("too big")}, GiveUp, 0},
	}
	for _, c := range cases {
		v, d := b.Decide(c.attempt, c.status, c.retryAfter, c.err, now)
		if v != c.want || d != c.wait {
			t.Errorf("attempt %d status %d retry-after %q err %v: got %v %v, want %v %v", c.attempt, c.status, c.retryAfter, c.err, v, d, c.want, c.wait)
		}
	}
	// Real jitter stays within [d/2, d].
	b.Jitter = nil
	for i := 0; i < 200; i++ {
		_, d := b.Decide(3, 500, "", nil, now)
		if d < 2*time.Second || d > 4*time.Second {
			t.Fatalf("jittered delay %v outside [2s, 4s]", d)
		}
	}
}

// A 4xx other than 429 is not retried.
func TestNoRetryOn4xx(t *testing.T) {
	srv, err := apisim.Start(laporans(2), apisim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ws, _ := newWS(t)
	src := source(t, srv, apisim.PathPage, "page", 0)
	src.URL = srv.URL + apisim.PathPage + "?page=x" // the app answers 400: page must be a number
	src.PageParam = "halaman"
	src.UkuranHalaman = 2
	clk := newFakeClock()
	_, err = Pull(context.Background(), ws, src, Options{Clock: clk})
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 400 || he.Attempts != 1 {
		t.Fatalf("want one 400 attempt, got %v", err)
	}
	if len(srv.Requests()) != 1 || len(clk.waits(time.Second)) != 0 {
		t.Fatalf("retried a 400: %v", srv.Requests())
	}
	if n := count(t, ws, `SELECT count(*) FROM ops.submissions`); n != 0 {
		t.Fatalf("%d submissions written", n)
	}
}

func TestRateLimit(t *testing.T) {
	srv, err := apisim.Start(laporans(6), apisim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ws, _ := newWS(t)
	src := source(t, srv, apisim.PathPage, "page", 2)
	src.PermintaanPerMenit = 12 // one request every 5 s
	clk := newFakeClock()
	if _, err := Pull(context.Background(), ws, src, Options{Clock: clk}); err != nil {
		t.Fatal(err)
	}
	// 4 requests (3 full pages and the empty 4th): the first goes at once, each next waits 5 s.
	if got := clk.waits(0); len(got) != 3 || got[0] != 5*time.Second || got[2] != 5*time.Second {
		t.Fatalf("rate-limit waits %v, want 3 × 5s", got)
	}
}

func TestSourceErrorsWriteNothing(t *testing.T) {
	big := laporan(1)
	big.Nama = strings.Repeat("x", 1<<20+10)
	cases := []struct {
		name  string
		recs  []apisim.Laporan
		opt   apisim.Options
		tweak func(s *config.Sumber)
		want  string
	}{
		{"malformed json", laporans(3), apisim.Options{Corrupt: map[int]bool{1: true}}, nil, "bukan JSON yang sah"},
		{"oversized body", []apisim.Laporan{big}, apisim.Options{}, func(s *config.Sumber) { s.MaxBodyMB = 1 }, "melebihi batas 1 MB"},
		{"items not an array", laporans(1), apisim.Options{}, func(s *config.Sumber) { s.ItemsPath = "meta" }, "yang diharapkan larik rekaman"},
		{"items missing", laporans(1), apisim.Options{}, func(s *config.Sumber) { s.ItemsPath = "records" }, `tidak memuat "records"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, err := apisim.Start(c.recs, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			ws, _ := newWS(t)
			src := source(t, srv, apisim.PathPage, "page", 10)
			if c.tweak != nil {
				c.tweak(src)
			}
			_, err = Pull(context.Background(), ws, src, Options{Clock: newFakeClock()})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("want an error containing %q, got %v", c.want, err)
			}
			if len(srv.Requests()) != 1 {
				t.Fatalf("%d requests: a broken page must not be retried", len(srv.Requests()))
			}
			for _, tbl := range []string{"ops.submissions", "raw.rows", "raw.api_pages", "ops.pull_state"} {
				if n := count(t, ws, "SELECT count(*) FROM "+tbl); n != 0 {
					t.Fatalf("%s has %d rows", tbl, n)
				}
			}
		})
	}
}

// Values of the wrong JSON type are the row's problem: quarantined with a reason naming the path;
// the other rows of the page load, and the page is kept.
func TestWrongTypesQuarantined(t *testing.T) {
	recs := laporans(2)
	recs = append(recs, apisim.Laporan{ID: 3, UpdatedAt: "2026-01-03T08:00:00Z", Raw: []byte(`{"id":3,"updated_at":"2026-01-03T08:00:00Z",
		"koperasi":{"nik":"3276010000000003","nama":"KSP Tiga"},"periode":{"tahun_buku":{"tahun":2024}},
		"keuangan":{"aset_ribu":true,"shu":"dua juta"}}`)})
	srv, err := apisim.Start(recs, apisim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ws, _ := newWS(t)
	src := source(t, srv, apisim.PathPage, "page", 10)
	res, err := Pull(context.Background(), ws, src, Options{Clock: newFakeClock()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != 2 || res.Quarantined != 1 {
		t.Fatalf("accepted %d quarantined %d", res.Accepted, res.Quarantined)
	}
	rows, err := ws.WH.DB().Query(`SELECT sheet, row_number, column_name, column_label, reason_code, reason FROM ops.quarantine ORDER BY column_name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var sheet, col, label, code, reason string
		var row int
		rows.Scan(&sheet, &row, &col, &label, &code, &reason)
		got = append(got, fmt.Sprintf("%s|%d|%s|%s|%s", sheet, row, col, label, code))
		if col == "total_aset" && !strings.Contains(reason, "keuangan.aset_ribu berisi nilai true/false") {
			t.Errorf("reason for aset: %s", reason)
		}
	}
	want := []string{
		"halaman 1|3|shu|keuangan.shu|angka_tidak_terbaca",
		"halaman 1|3|tahun_buku|periode.tahun_buku|tipe_salah",
		"halaman 1|3|total_aset|keuangan.aset_ribu|tipe_salah",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("quarantine\n got %v\nwant %v", got, want)
	}
}

// A page slower than the timeout is a network error: retried, then the pull fails naming the page,
// with nothing of it written. A slow page within the timeout simply loads.
func TestTimeout(t *testing.T) {
	srv, err := apisim.Start(laporans(4), apisim.Options{SlowPage: 2, SlowBy: 1100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ws, _ := newWS(t)
	src := source(t, srv, apisim.PathOffset, "offset", 2)
	src.TimeoutDetik, src.MaxPercobaan = 1, 2
	res, err := Pull(context.Background(), ws, src, Options{Clock: newFakeClock()})
	if err == nil || !strings.Contains(err.Error(), "tidak dapat dihubungi setelah 2 percobaan") || !strings.Contains(err.Error(), "offset=2") {
		t.Fatalf("want a timeout naming the page, got %v", err)
	}
	if res.Accepted != 2 {
		t.Fatalf("page 1 should be loaded: %d", res.Accepted)
	}
	src.TimeoutDetik = 5
	res, err = Pull(context.Background(), ws, src, Options{Clock: newFakeClock()})
	if err != nil || !res.Resumed || res.Accepted != 2 {
		t.Fatalf("slow page within the timeout: %v %+v", err, res)
	}
	if got := loadedNIKs(t, ws); !slices.Equal(got, wantNIKs(4)) {
		t.Fatalf("%v", got)
	}
}

func TestProblemText(t *testing.T) {
	p := ingest.Problem{Sheet: "halaman 2", Row: 3, Column: "shu", Label: "keuangan.shu", Reason: `"dua juta" bukan angka rupiah`}
	if got := p.String(); got != `halaman 2, rekaman 3, kolom keuangan.shu: "dua juta" bukan angka rupiah` {
		t.Fatal(got)
	}
}

// A server that caps the page size below what was asked still yields every row: a short page is
// not taken for the last one.
func TestServerCapsPageSize(t *testing.T) {
	for _, style := range []struct{ path, paginasi string }{{apisim.PathPage, "page"}, {apisim.PathOffset, "offset"}} {
		srv, err := apisim.Start(laporans(7), apisim.Options{MaxPerPage: 2})
		if err != nil {
			t.Fatal(err)
		}
		ws, _ := newWS(t)
		src := source(t, srv, style.path, style.paginasi, 5)
		if _, err := Pull(context.Background(), ws, src, Options{Clock: newFakeClock()}); err != nil {
			t.Fatal(err)
		}
		if got := loadedNIKs(t, ws); !slices.Equal(got, wantNIKs(7)) {
			t.Fatalf("%s: loaded %v", style.paginasi, got)
		}
		srv.Close()
	}
}

// A server that ignores the paging parameters would be read for ever: the second identical page
// stops the pull with a message naming the parameters.
func TestSourceIgnoringPaging(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data": [{"nik": "3276010000000001", "nama_koperasi": "KSP", "tahun_buku": 2024}]}`))
	}))
	defer srv.Close()
	ws, _ := newWS(t)
	s := config.DefaultSumber()
	s.Nama, s.URL = "app", srv.URL
	_, err := Pull(context.Background(), ws, &s, Options{Clock: newFakeClock()})
	if err == nil || !strings.Contains(err.Error(), "halaman yang sama dua kali") {
		t.Fatalf("want the loop stopped, got %v", err)
	}
	if got := loadedNIKs(t, ws); len(got) != 1 {
		t.Fatalf("%v", got)
	}
}
