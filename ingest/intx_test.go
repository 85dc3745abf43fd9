package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
)

func apiBatch(i int) *Batch {
	return &Batch{Source: "api:uji", Filename: fmt.Sprintf("halaman %d", i), SHA256: fmt.Sprintf("sha-%d", i), Kind: KindLaporan,
		RawJSON: `{"data": []}`, Inputs: []Input{{Sheet: "halaman 1", Row: 1,
			Text:    map[string]string{"nik": fmt.Sprintf("32760100000000%02d", i), "nama_koperasi": "KSP", "tahun_buku": "2024"},
			Machine: map[string]bool{}, Cells: map[string]string{"nik": "x"}}}}
}

// Options.InTx runs inside the load's transaction: when it fails, the submission, its rows and its
// raw body are all rolled back, and the next load on the warehouse works (API ingest relies on it
// for pull cursors and idempotency keys). Checked with each loader.
func TestInTxRollsBackWithTheRows(t *testing.T) {
	for _, loader := range []Loader{LoaderArrow, LoaderAppender} {
		t.Run(fmt.Sprint(loader), func(t *testing.T) {
			ws := newWS(t)
			ctx := context.Background()
			boom := errors.New("simulated")
			for i := 1; i <= 3; i++ {
				err := Process(ctx, ws, apiBatch(i), Options{Source: "api:uji", Loader: loader,
					InTx: func(ctx context.Context, conn *sql.Conn, id int64) error { return boom }}, &Summary{})
				if !errors.Is(err, boom) {
					t.Fatalf("want the hook's error, got %v", err)
				}
				// A failure of DuckDB itself inside the transaction (a primary-key violation, as
				// when two requests race for one idempotency key).
				err = Process(ctx, ws, apiBatch(i), Options{Source: "api:uji", Loader: loader,
					InTx: func(ctx context.Context, conn *sql.Conn, id int64) error {
						for j := 0; j < 2; j++ {
							if _, err := conn.ExecContext(ctx, `INSERT INTO ops.transform_settings (name, value) VALUES ('uji-intx', 'x')`); err != nil {
								return err
							}
						}
						return nil
					}}, &Summary{})
				if err == nil {
					t.Fatal("want the constraint violation")
				}
			}
			for _, tbl := range []string{"ops.submissions", "raw.rows", "raw.laporan", "raw.api_pages"} {
				var n int
				ws.WH.DB().QueryRow("SELECT count(*) FROM " + tbl).Scan(&n)
				if n != 0 {
					t.Fatalf("%s has %d rows after rolled-back loads", tbl, n)
				}
			}
			called := false
			sum := &Summary{}
			if err := Process(ctx, ws, apiBatch(4), Options{Source: "api:uji", Loader: loader,
				InTx: func(ctx context.Context, conn *sql.Conn, id int64) error { called = id == sum.SubmissionID; return nil }}, sum); err != nil {
				t.Fatalf("a load after rolled-back ones failed: %v", err)
			}
			var n int
			ws.WH.DB().QueryRow("SELECT count(*) FROM raw.laporan").Scan(&n)
			if !called || n != 1 {
				t.Fatalf("hook called %v, rows %d", called, n)
			}
		})
	}
}
