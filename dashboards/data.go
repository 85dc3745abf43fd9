package dashboards

import (
	"context"
	"database/sql"
	"time"

	"github.com/pantau-koperasi/pantau/internal/workspace"
)

// summary is the pre-aggregated data of the overview page. Pages never read raw tables.
type summary struct {
	Total     int64
	ByStatus  []kv
	ByKab     []kvs // cooperatives per kab/kota, split by status
	Years     []yearRow
	LastRun   time.Time
	LastRunID int64
}

type kv struct {
	Key   string
	Value int64
}

type kvs struct {
	Key                            string
	Aktif, TidakAktif, Baru, Bubar int64
}

type yearRow struct {
	Tahun                     int
	Laporan, Anggota          int64
	ModalSendiri, VolumeUsaha float64
}

func loadSummary(ctx context.Context, ws *workspace.Workspace) (*summary, error) {
	db := ws.WH.DB()
	s := &summary{}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM mart.koperasi`).Scan(&s.Total); err != nil {
		return nil, err
	}
	rows, err := db.QueryContext(ctx, `SELECT coalesce(status_aktif, 'belum_dinilai'), count(*) FROM mart.koperasi GROUP BY 1 ORDER BY 2 DESC`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r kv
		if err := rows.Scan(&r.Key, &r.Value); err != nil {
			rows.Close()
			return nil, err
		}
		s.ByStatus = append(s.ByStatus, r)
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT coalesce(kabupaten_kota, '(tanpa wilayah)'),
			count(*) FILTER (WHERE status_aktif = 'aktif'), count(*) FILTER (WHERE status_aktif = 'tidak_aktif'),
			count(*) FILTER (WHERE status_aktif = 'baru'), count(*) FILTER (WHERE status_aktif = 'dibubarkan')
		FROM mart.koperasi GROUP BY 1 ORDER BY count(*) DESC, 1`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r kvs
		if err := rows.Scan(&r.Key, &r.Aktif, &r.TidakAktif, &r.Baru, &r.Bubar); err != nil {
			rows.Close()
			return nil, err
		}
		s.ByKab = append(s.ByKab, r)
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, `SELECT tahun_buku, count(*), coalesce(sum(jumlah_anggota), 0),
			coalesce(sum(modal_sendiri), 0)::DOUBLE, coalesce(sum(volume_usaha), 0)::DOUBLE
		FROM mart.laporan GROUP BY 1 ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var r yearRow
		if err := rows.Scan(&r.Tahun, &r.Laporan, &r.Anggota, &r.ModalSendiri, &r.VolumeUsaha); err != nil {
			rows.Close()
			return nil, err
		}
		s.Years = append(s.Years, r)
	}
	rows.Close()
	var last sql.NullTime
	var id sql.NullInt64
	_ = db.QueryRowContext(ctx, `SELECT id, coalesce(finished_at, started_at) FROM ops.runs WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1`).Scan(&id, &last)
	if last.Valid {
		s.LastRun, s.LastRunID = last.Time, id.Int64
	} else {
		s.LastRun = time.Now()
	}
	return s, nil
}
