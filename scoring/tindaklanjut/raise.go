package tindaklanjut

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/pantau-koperasi/pantau/internal/config"
	"github.com/pantau-koperasi/pantau/internal/warehouse"
	"github.com/pantau-koperasi/pantau/internal/workspace"
	"github.com/pantau-koperasi/pantau/scoring"
)

// Sistem is the actor recorded for automatic changes.
const Sistem = "sistem"

type stage struct{}

// Stage raises the automatic follow-up cases; it runs after keaktifan and kesehatan, whose results
// it reads.
func Stage() scoring.Stage { return stage{} }

func (stage) Name() string { return "tindak_lanjut" }

func (stage) Run(ctx context.Context, ws *workspace.Workspace, asOf time.Time) (int64, error) {
	if !ws.Config.TindakLanjut.Otomatis {
		return 0, nil
	}
	n, err := Raise(ctx, ws.WH, ws.Config.TindakLanjut, asOf)
	return int64(n), err
}

// candidate is a reason to open a case, found in the marts.
type candidate struct {
	nik, alasan, keterangan, prioritas string
	tahun                              sql.NullInt64
}

// candidatesSQL finds every automatic reason, most urgent first. $1 = the last closed tahun buku.
// A cooperative that is tidak_aktif gets that case only: its missing RAT and report are the evidence
// of the same case, not three separate ones. Dissolved cooperatives get none. Health reasons look at
// each rubric's latest scored tahun buku, when it is recent (the last closed year or the one before);
// a provisional rubric (kkpkk-2021) informs but does not open cases.
const candidatesSQL = `
WITH kes AS (
    -- only the columns used: the window materialises what it carries (1.8 million results nationally)
    SELECT nik, rubrik, tahun_buku, skor, kategori, kategori_sebelumnya, tahun_buku_sebelumnya, perubahan, provisional
    FROM mart.kesehatan
    QUALIFY row_number() OVER (PARTITION BY nik, rubrik ORDER BY tahun_buku DESC) = 1
), aktif AS (
    SELECT nik, status, peringatan, alasan, tahun_buku_tertutup FROM mart.keaktifan
)
SELECT nik, 'tidak_aktif', alasan, tahun_buku_tertutup, 'tinggi', 1 FROM aktif WHERE status = 'tidak_aktif'
UNION ALL
SELECT nik, 'rat_terlambat', alasan, tahun_buku_tertutup, 'sedang', 2 FROM aktif
    WHERE status NOT IN ('tidak_aktif', 'dibubarkan') AND list_contains(string_split(peringatan, ','), 'rat_terlambat')
UNION ALL
SELECT nik, 'belum_lapor', 'Laporan tahun buku ' || tahun_buku_tertutup || ' belum masuk', tahun_buku_tertutup, 'sedang', 3 FROM aktif
    WHERE status NOT IN ('tidak_aktif', 'dibubarkan') AND list_contains(string_split(peringatan, ','), 'belum_lapor')
UNION ALL
SELECT k.nik, 'kesehatan', 'Rubrik ' || k.rubrik || ', tahun buku ' || k.tahun_buku || ': ' || k.kategori || ' (skor ' || round(k.skor, 2) || ')',
    k.tahun_buku, CASE WHEN k.kategori = 'Dalam Pengawasan Khusus' THEN 'tinggi' ELSE 'sedang' END,
    CASE WHEN k.kategori = 'Dalam Pengawasan Khusus' THEN 4 ELSE 5 END
FROM kes k LEFT JOIN aktif a USING (nik)
WHERE NOT k.provisional AND k.kategori IN ('Dalam Pengawasan', 'Dalam Pengawasan Khusus') AND k.tahun_buku >= $1 - 1 AND coalesce(a.status, '') <> 'dibubarkan'
UNION ALL
SELECT k.nik, 'kategori_turun', 'Rubrik ' || k.rubrik || ': ' || k.kategori_sebelumnya || ' (tahun buku ' || k.tahun_buku_sebelumnya || ') turun menjadi '
    || k.kategori || ' (tahun buku ' || k.tahun_buku || ')', k.tahun_buku, 'sedang', 6
FROM kes k LEFT JOIN aktif a USING (nik)
WHERE NOT k.provisional AND k.perubahan = 'turun' AND k.tahun_buku >= $1 - 1 AND coalesce(a.status, '') <> 'dibubarkan'
ORDER BY 6, 1`

// checkSQL finds the cooperatives with error-severity data-quality violations in the latest check run.
const checkSQL = `
SELECT nik, 'kualitas_data', 'Pemeriksaan data gagal: ' || string_agg(DISTINCT check_name, ', ' ORDER BY check_name), max(tahun_buku), 'rendah', 7
FROM ops.check_results
WHERE run_id = (SELECT max(run_id) FROM ops.check_results) AND level = 'row' AND nik IS NOT NULL AND severity = 'error'
GROUP BY nik ORDER BY nik`

// Raise opens the automatic cases as of asOf in one transaction and returns how many it opened. It
// never opens a second case for a cooperative and reason while one is open, and does not reopen a
// reason for the same tahun buku once an official has closed it (the evidence has not changed).
func Raise(ctx context.Context, wh *warehouse.Warehouse, cfg config.TindakLanjut, asOf time.Time) (int, error) {
	want := map[string]bool{}
	for _, a := range cfg.Alasan {
		want[a] = true
	}
	last := asOf.Year() - 1
	var cands []candidate
	read := func(q string, args ...any) error {
		rows, err := wh.DB().QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c candidate
			var order int
			if err := rows.Scan(&c.nik, &c.alasan, &c.keterangan, &c.tahun, &c.prioritas, &order); err != nil {
				return err
			}
			if want[c.alasan] {
				cands = append(cands, c)
			}
		}
		return rows.Err()
	}
	if err := read(candidatesSQL, last); err != nil {
		return 0, err
	}
	if want[AlasanKualitasData] && tableExists(ctx, wh.DB(), "ops", "check_results") {
		if err := read(checkSQL); err != nil {
			return 0, err
		}
	}
	due := time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, cfg.JatuhTempoHari)
	if !tableExists(ctx, wh.DB(), "core", "koperasi") {
		return 0, nil // nothing transformed yet, so nothing to follow up
	}
	opened := 0
	err := wh.Write(ctx, func(tx *sql.Tx) error {
		// Keys already handled: open cases by (nik, alasan), and every case by (nik, alasan, tahun).
		handled := map[string]bool{}
		rows, err := tx.QueryContext(ctx, `SELECT nik, alasan, coalesce(tahun_buku, -1), status IN ('baru', 'diproses') FROM ops.tindak_lanjut`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var nik, alasan string
			var tahun int64
			var open bool
			if err := rows.Scan(&nik, &alasan, &tahun, &open); err != nil {
				rows.Close()
				return err
			}
			if open {
				handled[nik+"|"+alasan] = true
			}
			handled[nik+"|"+alasan+"|"+itoa(tahun)] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var fresh []candidate
		for _, c := range cands {
			tahun := int64(-1)
			if c.tahun.Valid {
				tahun = c.tahun.Int64
			}
			k := c.nik + "|" + c.alasan
			if handled[k] || handled[k+"|"+itoa(tahun)] {
				continue
			}
			handled[k] = true
			handled[k+"|"+itoa(tahun)] = true
			fresh = append(fresh, c)
		}
		if len(fresh) == 0 {
			return nil
		}
		// Set-based: a province raises thousands of cases at once; one statement per batch of cases and
		// one per audit field keeps that to a fraction of a second. New ids are those above the
		// largest before the insert (we hold the writer lock).
		var before int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM ops.tindak_lanjut`).Scan(&before); err != nil {
			return err
		}
		// The cooperative's name, looked up once: joining the GROUP BY over core.koperasi in every batch
		// re-aggregated 130,000 cooperatives some 300 times at the national scale.
		if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE tindak_lanjut_nama AS
				SELECT nik, any_value(nama_koperasi) AS nama_koperasi FROM core.koperasi GROUP BY nik`); err != nil {
			return err
		}
		t := now()
		const batch = 200
		for lo := 0; lo < len(fresh); lo += batch {
			part := fresh[lo:min(lo+batch, len(fresh))]
			args := []any{strings.TrimSpace(cfg.Petugas), due, t, t}
			ph := make([]string, len(part))
			for i, c := range part {
				ph[i] = "(?, ?, ?, ?, ?, ?)"
				var tahun any
				if c.tahun.Valid {
					tahun = c.tahun.Int64
				}
				args = append(args, lo+i, c.nik, c.alasan, c.keterangan, tahun, c.prioritas)
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO ops.tindak_lanjut (nik, nama_koperasi, alasan, keterangan, tahun_buku, status, prioritas,
					petugas, sumber, jatuh_tempo, dibuat_oleh, dibuat_pada, diubah_pada)
				SELECT v.nik, k.nama_koperasi, v.alasan, v.keterangan, v.tahun::INTEGER, 'baru', v.prioritas, ?, 'otomatis', ?::DATE, 'sistem', ?, ?
				FROM (VALUES `+strings.Join(ph, ", ")+`) v(urut, nik, alasan, keterangan, tahun, prioritas)
				JOIN tindak_lanjut_nama k ON k.nik = v.nik
				ORDER BY v.urut`, args...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			opened += int(n)
		}
		audits := []string{`'dibuat', NULL, 'otomatis; alasan ' || alasan || '; prioritas ' || prioritas`}
		if strings.TrimSpace(cfg.Petugas) != "" {
			audits = append(audits, `'petugas', '', petugas`)
		}
		audits = append(audits, `'jatuh_tempo', NULL, strftime(jatuh_tempo, '%Y-%m-%d')`)
		for _, a := range audits {
			if _, err := tx.ExecContext(ctx, `INSERT INTO ops.audit ("at", who, entity, entity_id, field, "before", "after")
				SELECT dibuat_pada, dibuat_oleh, ?, id, `+a+` FROM ops.tindak_lanjut WHERE id > ? ORDER BY id`, entity, before); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DROP TABLE tindak_lanjut_nama`)
		return err
	})
	return opened, err
}

func itoa(n int64) string {
	if n < 0 {
		return "-"
	}
	return strconv.FormatInt(n, 10)
}
