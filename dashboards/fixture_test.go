package dashboards_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pantau-koperasi/pantau/app"
	"github.com/pantau-koperasi/pantau/internal/demo"
	"github.com/pantau-koperasi/pantau/internal/runs"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/scoring/tindaklanjut"
)

// The shared demo workspace: a small demo province run through the whole pipeline, plus the tables
// other stages are still building (health grades, follow-up cases, check results) filled by
// fixtures written to the contract schemas when the pipeline did not make them, and a cooperative
// whose name tries to inject a script.

const (
	evilName    = `<script>alert(1)</script> "Kop'erasi" 🌾 & <b>Maju</b>`
	secretKetua = "Ketua Rahasia Sutisna"
	secretPhone = "0812-9999-4242"
	petugasName = "Petugas Rahasia Wulandari"
)

var (
	demoOnce sync.Once
	demoWS   *workspace.Workspace
	demoErr  error
	demoNIK  string // the cooperative with evilName
	demoRoot string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if demoWS != nil {
		demoWS.Close()
	}
	if demoRoot != "" {
		os.RemoveAll(demoRoot)
	}
	os.Exit(code)
}

// demoWorkspace returns the shared demo workspace (built once per test binary).
func demoWorkspace(t testing.TB) *workspace.Workspace {
	t.Helper()
	demoOnce.Do(func() {
		demoRoot, demoErr = os.MkdirTemp("", "pantau-dash-")
		if demoErr != nil {
			return
		}
		demoErr = buildDemo(filepath.Join(demoRoot, "ws"), 400)
	})
	if demoErr != nil {
		t.Fatalf("demo workspace: %v", demoErr)
	}
	return demoWS
}

func buildDemo(dir string, n int) error {
	ctx := context.Background()
	os.Setenv("PANTAU_AS_OF", "2026-11-22")
	ws, _, err := workspace.Init(ctx, dir, "32", "Dinas Koperasi dan UKM Provinsi Jawa Barat", nil)
	if err != nil {
		return err
	}
	demoWS = ws
	asOf := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	// The demo's files, ingested as the inbox job does (with a clock past the inbox's quiet period,
	// since the files were written a moment ago), then transform and score.
	d, err := demo.Generate(demo.Options{Seed: 11, Koperasi: n, AsOf: asOf})
	if err != nil {
		return err
	}
	if _, err := d.WriteFiles(ws.Config.Abs(ws.Config.Paths.Inbox), 11); err != nil {
		return err
	}
	err = runs.One(ctx, ws, "demo", app.Inbox, func(ctx context.Context, ws *workspace.Workspace) (int64, error) {
		sums, err := app.IngestInboxWith(ctx, ws, app.InboxOptions{Now: func() time.Time { return time.Now().Add(time.Hour) }})
		var rows int64
		for _, s := range sums {
			rows += int64(s.Accepted)
		}
		return rows, err
	})
	if err != nil {
		return fmt.Errorf("demo inbox: %w", err)
	}
	if err := app.Stages().Run(ctx, ws, "demo", app.Transform, app.Score); err != nil {
		return fmt.Errorf("demo pipeline: %w", err)
	}
	err = ws.WH.Write(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT nik FROM core.koperasi ORDER BY nik LIMIT 1`).Scan(&demoNIK); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE core.koperasi SET nama_koperasi = ? WHERE nik = ?`, evilName, demoNIK); err != nil {
			return err
		}
		// Personal data the public build must never show.
		if _, err := tx.ExecContext(ctx, `UPDATE core.koperasi SET nama_ketua = ?, telepon = ? WHERE nik = (SELECT max(nik) FROM core.koperasi)`, secretKetua, secretPhone); err != nil {
			return err
		}
		return fixtures(ctx, tx)
	})
	if err != nil {
		return err
	}
	// Assign some cases to named staff through the follow-up API, as an official would.
	rows, err := ws.WH.DB().QueryContext(ctx, `SELECT id FROM mart.tindak_lanjut WHERE status IN ('baru', 'diproses') ORDER BY id LIMIT 12`)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) == 0 {
		return fmt.Errorf("the demo raised no follow-up case")
	}
	for i, id := range ids {
		who := petugasName
		if i%3 == 1 {
			who = "Dewi Lestari"
		}
		if err := tindaklanjut.Assign(ctx, ws.WH, "kepala.bidang", id, who); err != nil {
			// A fixture table made above (no follow-up stage in this workspace) is assigned directly.
			if err := ws.WH.Write(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `UPDATE mart.tindak_lanjut SET petugas = ? WHERE id = ?`, who, id)
				return err
			}); err != nil {
				return fmt.Errorf("assign case %d: %w", id, err)
			}
		}
	}
	return nil
}

func tableState(ctx context.Context, tx *sql.Tx, schema, table string) (exists bool, empty bool, err error) {
	var typ string
	err = tx.QueryRowContext(ctx, `SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?`, schema, table).Scan(&typ)
	if err == sql.ErrNoRows {
		return false, true, nil
	}
	if err != nil {
		return false, false, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM %s.%s`, schema, table)).Scan(&n); err != nil {
		return true, false, err
	}
	return true, n == 0 && typ == "BASE TABLE", nil
}

// fixtures fills, to the schemas in the helpers' contract, the tables the pipeline has not made yet.
func fixtures(ctx context.Context, tx *sql.Tx) error {
	exec := func(q string) error {
		_, err := tx.ExecContext(ctx, q)
		return err
	}
	if ok, empty, err := tableState(ctx, tx, "mart", "kesehatan"); err != nil {
		return err
	} else if !ok || empty {
		if err := exec(`CREATE TABLE IF NOT EXISTS mart.kesehatan (nik VARCHAR, tahun_buku INTEGER, rubrik VARCHAR, versi_rubrik VARCHAR,
			skor DOUBLE, kategori VARCHAR, grade VARCHAR, cakupan DOUBLE, kategori_sebelumnya VARCHAR, perubahan VARCHAR)`); err != nil {
			return err
		}
		if err := exec(`INSERT INTO mart.kesehatan
			WITH s AS (SELECT nik, tahun_buku, CASE WHEN jenis = 'simpan_pinjam' THEN 'ksp-2016' ELSE 'umum-2026' END AS rubrik,
				(hash(nik || tahun_buku::VARCHAR) % 6000) / 100.0 + 40 AS skor,
				CASE WHEN hash(nik) % 10 = 0 THEN 0.6 ELSE 1.0 END AS cakupan FROM mart.laporan),
			k AS (SELECT *, CASE WHEN cakupan < 0.8 THEN 'Tidak Dapat Dinilai' WHEN skor >= 80 THEN 'Sehat' WHEN skor >= 66 THEN 'Cukup Sehat'
				WHEN skor >= 51 THEN 'Dalam Pengawasan' ELSE 'Dalam Pengawasan Khusus' END AS kategori FROM s),
			p AS (SELECT *, lag(kategori) OVER (PARTITION BY nik, rubrik ORDER BY tahun_buku) AS sebelum FROM k)
			SELECT nik, tahun_buku, rubrik, '1', skor, kategori,
				CASE kategori WHEN 'Sehat' THEN 'A' WHEN 'Cukup Sehat' THEN 'B' WHEN 'Dalam Pengawasan' THEN 'C' WHEN 'Dalam Pengawasan Khusus' THEN 'D' END,
				cakupan, sebelum,
				CASE WHEN sebelum IS NULL OR kategori = 'Tidak Dapat Dinilai' OR sebelum = 'Tidak Dapat Dinilai' THEN NULL
					WHEN kategori = sebelum THEN 'tetap'
					WHEN list_position(['Dalam Pengawasan Khusus','Dalam Pengawasan','Cukup Sehat','Sehat'], kategori) >
						list_position(['Dalam Pengawasan Khusus','Dalam Pengawasan','Cukup Sehat','Sehat'], sebelum) THEN 'naik' ELSE 'turun' END
			FROM p`); err != nil {
			return fmt.Errorf("fixture mart.kesehatan: %w", err)
		}
	}
	if ok, empty, err := tableState(ctx, tx, "mart", "kesehatan_indikator"); err != nil {
		return err
	} else if !ok || empty {
		if err := exec(`CREATE TABLE IF NOT EXISTS mart.kesehatan_indikator (nik VARCHAR, tahun_buku INTEGER, rubrik VARCHAR, aspek VARCHAR,
			indikator VARCHAR, nama_indikator VARCHAR, rumus VARCHAR, nilai DOUBLE, band VARCHAR, skor DOUBLE, bobot DOUBLE, dinilai BOOLEAN, input_hilang VARCHAR)`); err != nil {
			return err
		}
		if err := exec(`INSERT INTO mart.kesehatan_indikator
			SELECT h.nik, h.tahun_buku, h.rubrik, a.aspek, a.ind, a.nama, a.rumus, (hash(h.nik || a.ind) % 1000) / 10.0, 'b' || (hash(h.nik) % 4)::VARCHAR,
				h.skor, a.bobot, a.ind <> 'tk2' OR h.cakupan = 1.0, CASE WHEN a.ind = 'tk2' AND h.cakupan < 1 THEN 'tanggal_rat' END
			FROM mart.kesehatan h, (VALUES ('Tata kelola', 'tk1', 'RAT tepat waktu', 'tanggal_rat', 30.0), ('Tata kelola', 'tk2', 'Laporan tepat waktu', 'pertama_diterima', 20.0),
				('Permodalan', 'pm1', 'Modal sendiri / total aset', 'modal_sendiri / total_aset', 25.0), ('Kinerja keuangan', 'kk1', 'SHU / total aset', 'shu / total_aset', 25.0)) a(aspek, ind, nama, rumus, bobot)`); err != nil {
			return fmt.Errorf("fixture mart.kesehatan_indikator: %w", err)
		}
	}
	if ok, empty, err := tableState(ctx, tx, "mart", "tindak_lanjut"); err != nil {
		return err
	} else if !ok || empty {
		if err := exec(`CREATE TABLE IF NOT EXISTS mart.tindak_lanjut (id BIGINT, nik VARCHAR, nama_koperasi VARCHAR, alasan VARCHAR, status VARCHAR,
			prioritas VARCHAR, petugas VARCHAR, jatuh_tempo DATE, dibuat_pada TIMESTAMPTZ, diubah_pada TIMESTAMPTZ)`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO mart.tindak_lanjut
			SELECT row_number() OVER (ORDER BY nik), nik, nama_koperasi, CASE WHEN status_aktif = 'tidak_aktif' THEN 'tidak_aktif' ELSE 'rat_terlambat' END,
				CASE hash(nik) % 4 WHEN 0 THEN 'selesai' WHEN 1 THEN 'diproses' ELSE 'baru' END,
				CASE hash(nik) % 3 WHEN 0 THEN 'tinggi' WHEN 1 THEN 'sedang' ELSE 'rendah' END,
				CASE hash(nik) % 3 WHEN 0 THEN ? WHEN 1 THEN 'Dewi Lestari' ELSE '' END,
				DATE '2026-11-22' + INTERVAL ((hash(nik) % 120)::INTEGER - 60) DAY,
				(TIMESTAMP '2026-11-22 08:00:00' - INTERVAL ((hash(nik) % 300)::INTEGER) DAY)::TIMESTAMPTZ, TIMESTAMP '2026-11-22 08:00:00'::TIMESTAMPTZ
			FROM mart.koperasi WHERE status_aktif = 'tidak_aktif' OR peringatan LIKE '%rat_terlambat%'`, petugasName); err != nil {
			return fmt.Errorf("fixture mart.tindak_lanjut: %w", err)
		}
	} else if real, _, err := tableState(ctx, tx, "ops", "tindak_lanjut"); err != nil {
		return err
	} else if real {
		// Real cases raised by scoring/tindaklanjut: plant the staff name on a third of them.
		if _, err := tx.ExecContext(ctx, `UPDATE ops.tindak_lanjut SET petugas = ? WHERE id % 3 = 0`, petugasName); err != nil {
			return fmt.Errorf("fixture ops.tindak_lanjut: %w", err)
		}
	}
	if ok, empty, err := tableState(ctx, tx, "ops", "check_results"); err != nil {
		return err
	} else if ok && empty {
		if err := exec(`INSERT INTO ops.check_results (run_id, check_name, check_type, severity, level, status, failing_count, checked_at)
			SELECT r, c, 'sql', CASE WHEN c = 'modal_sendiri_konsisten' THEN 'error' ELSE 'warn' END, 'check',
				CASE WHEN (r + length(c)) % 3 = 0 THEN 'pass' WHEN c = 'modal_sendiri_konsisten' THEN 'error' ELSE 'warn' END,
				CASE WHEN (r + length(c)) % 3 = 0 THEN 0 ELSE r * 3 + length(c) END, (TIMESTAMP '2026-11-01 00:00:00' + INTERVAL (r) DAY)::TIMESTAMPTZ
			FROM range(1, 9) t(r), (VALUES ('nik_unik'), ('modal_sendiri_konsisten'), ('anggota_tidak_negatif'), ('tanggal_rat_wajar')) c(c)`); err != nil {
			return fmt.Errorf("fixture ops.check_results: %w", err)
		}
	}
	return nil
}
