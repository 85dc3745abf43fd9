-- The Keaktifan & RAT page. $batas_rat: [status] batas_rat_bulan, the months after the end of a tahun
-- buku within which the RAT is on time.

-- name: keaktifan_corong
-- Registered, not dissolved, active, RAT for the last closed tahun buku, on time; late RAT; not
-- reported; the last closed tahun buku.
SELECT count(*), count(*) FILTER (WHERE k.status_aktif IS DISTINCT FROM 'dibubarkan'),
    count(*) FILTER (WHERE k.status_aktif = 'aktif'),
    count(*) FILTER (WHERE a.tahun_rat_terakhir >= a.tahun_buku_tertutup),
    count(*) FILTER (WHERE a.tahun_rat_terakhir >= a.tahun_buku_tertutup
        AND a.tanggal_rat_terakhir <= make_date(a.tahun_buku_tertutup + 1, 1, 1) + to_months($batas_rat::INTEGER) - INTERVAL 1 DAY),
    count(*) FILTER (WHERE a.peringatan LIKE '%rat_terlambat%'), count(*) FILTER (WHERE a.peringatan LIKE '%belum_lapor%'),
    max(a.tahun_buku_tertutup)
FROM mart.koperasi k LEFT JOIN mart.keaktifan a USING (nik)

-- name: keaktifan_rat_tahun
-- Per tahun buku (from the reports): RAT on time, late, without a date.
SELECT tahun_buku, count(*) FILTER (WHERE tanggal_rat IS NOT NULL
        AND tanggal_rat <= make_date(tahun_buku + 1, 1, 1) + to_months($batas_rat::INTEGER) - INTERVAL 1 DAY),
    count(*) FILTER (WHERE tanggal_rat > make_date(tahun_buku + 1, 1, 1) + to_months($batas_rat::INTEGER) - INTERVAL 1 DAY),
    count(*) FILTER (WHERE tanggal_rat IS NULL)
FROM mart.laporan GROUP BY 1 ORDER BY 1

-- name: keaktifan_wilayah
-- Per kab/kota: late RATs, not reported, cooperatives, % active.
SELECT k.kode_kabupaten_kota, coalesce(any_value(k.kabupaten_kota), '(wilayah tidak diketahui)'),
    count(*) FILTER (WHERE a.peringatan LIKE '%rat_terlambat%'), count(*) FILTER (WHERE a.peringatan LIKE '%belum_lapor%'),
    count(*), round(100.0 * count(*) FILTER (WHERE k.status_aktif = 'aktif') / count(*), 1)::DOUBLE
FROM mart.koperasi k LEFT JOIN mart.keaktifan a USING (nik) GROUP BY 1 ORDER BY 3 DESC, 4 DESC, 2

-- name: keaktifan_jenis
-- Per jenis: aktif, tidak_aktif, baru, dibubarkan, total.
SELECT coalesce(jenis, ''), count(*) FILTER (WHERE status_aktif = 'aktif'), count(*) FILTER (WHERE status_aktif = 'tidak_aktif'),
    count(*) FILTER (WHERE status_aktif = 'baru'), count(*) FILTER (WHERE status_aktif = 'dibubarkan'), count(*)
FROM mart.koperasi GROUP BY 1 ORDER BY count(*) DESC
