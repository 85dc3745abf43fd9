package transform

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// rec is one accepted row of a load: canonical field → value.
type rec map[string]any

func newWS(t *testing.T) *workspace.Workspace {
	t.Helper()
	ws, _, err := workspace.Init(context.Background(), t.TempDir(), "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t.Add(12 * time.Hour)
}

// addLoad writes a loaded submission the way ingest leaves it: ops.submissions + raw.laporan.
func addLoad(t *testing.T, ws *workspace.Workspace, kind, filename string, at time.Time, rows ...rec) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := ws.WH.Write(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO ops.submissions (source, kind, filename, sha256, received_at, rows_total, rows_accepted, status)
			VALUES ('file', ?, ?, ?, ?, ?, ?, 'diterima') RETURNING id`, kind, filename, filename+at.String(), at, len(rows), len(rows)).Scan(&id); err != nil {
			return err
		}
		for i, r := range rows {
			cols := make([]string, 0, len(r))
			for c := range r {
				cols = append(cols, c)
			}
			sort.Strings(cols)
			args := []any{id, "Sheet1", i + 2}
			for _, c := range cols {
				args = append(args, r[c])
			}
			q := `INSERT INTO raw.laporan (submission_id, sheet, row_number`
			for _, c := range cols {
				q += `, "` + c + `"`
			}
			q += `) VALUES (?, ?, ?` + strings.Repeat(", ?", len(cols)) + `)`
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func run(t *testing.T, ws *workspace.Workspace, sel ...string) []Result {
	t.Helper()
	res, err := Run(context.Background(), ws, sel)
	if err != nil {
		t.Fatalf("transform: %v", err)
	}
	return res
}

func gateOf(t *testing.T, res []Result) *GateReport {
	t.Helper()
	for _, r := range res {
		if r.Model == GateName {
			if r.Gate == nil {
				t.Fatalf("gate result without report: %v", r.Err)
			}
			return r.Gate
		}
	}
	t.Fatal("the gate did not run")
	return nil
}

func queryInt(t *testing.T, ws *workspace.Workspace, q string, args ...any) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := ws.WH.DB().QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n.Int64
}

func queryStr(t *testing.T, ws *workspace.Workspace, q string, args ...any) string {
	t.Helper()
	var s sql.NullString
	if err := ws.WH.DB().QueryRow(q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s.String
}

// good is a report that passes every embedded check; copy and change it per case.
func good(nik string, tahun int) rec {
	return rec{
		"nik": nik, "nama_koperasi": "KSP Maju " + nik[len(nik)-3:], "jenis": "simpan_pinjam", "bentuk": "primer", "kelompok": "lainnya",
		"kode_wilayah": "32.76.01", "nomor_badan_hukum": "BH-" + nik, "tanggal_badan_hukum": "2010-05-01",
		"tahun_buku": tahun, "tanggal_rat": time.Date(tahun+1, 3, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02"),
		"anggota_pria": 40, "anggota_wanita": 60, "jumlah_anggota": 100,
		"modal_sendiri": 500_000_000, "total_aset": 1_000_000_000, "pinjaman_diberikan": 600_000_000, "pinjaman_macet": 10_000_000,
		"manajemen_umum_ya": 10, "kelembagaan_ya": 5,
	}
}

func with(r rec, kv ...any) rec {
	out := rec{}
	for k, v := range r {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
			continue
		}
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}
