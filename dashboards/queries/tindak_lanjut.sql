-- The Tindak Lanjut page (internal build only), from mart.tindak_lanjut. A case is open while its
-- status is baru or diproses.

-- name: tl_jumlah
-- Open, open and past due, done, all.
SELECT count(*) FILTER (WHERE t.status IN ('baru', 'diproses')),
    count(*) FILTER (WHERE t.status IN ('baru', 'diproses') AND t.jatuh_tempo::TIMESTAMP::DATE < current_date),
    count(*) FILTER (WHERE t.status = 'selesai'), count(*)
FROM mart.tindak_lanjut t

-- name: tl_alasan
SELECT coalesce(t.alasan, '(tanpa alasan)'), count(*) FROM mart.tindak_lanjut t
WHERE t.status IN ('baru', 'diproses') GROUP BY 1 ORDER BY 2 DESC, 1

-- name: tl_umur
-- Open cases by age, youngest bucket first.
SELECT k, n FROM (
    SELECT CASE WHEN d <= 30 THEN '0–30 hari' WHEN d <= 90 THEN '31–90 hari'
        WHEN d <= 180 THEN '91–180 hari' ELSE 'lebih dari 180 hari' END AS k, min(d) AS o, count(*) AS n
    FROM (SELECT date_diff('day', t.dibuat_pada::TIMESTAMP::DATE, current_date) AS d FROM mart.tindak_lanjut t
        WHERE t.status IN ('baru', 'diproses'))
    GROUP BY 1) ORDER BY o

-- name: tl_petugas
SELECT coalesce(nullif(t.petugas, ''), '(belum ditugaskan)'), count(*) FROM mart.tindak_lanjut t
WHERE t.status IN ('baru', 'diproses') GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30

-- name: tl_prioritas
SELECT coalesce(t.prioritas, '-'), count(*) FROM mart.tindak_lanjut t
WHERE t.status IN ('baru', 'diproses') GROUP BY 1 ORDER BY 2 DESC

-- name: tl_status
SELECT status, count(*) FROM mart.tindak_lanjut GROUP BY 1 ORDER BY 2 DESC

-- name: tl_daftar
-- Open cases, nearest due date first.
SELECT t.id, t.nik, coalesce(k.nama_koperasi, t.nik), t.alasan, t.prioritas, coalesce(nullif(t.petugas, ''), '(belum ditugaskan)'),
    t.status, t.dibuat_pada::TIMESTAMP::DATE, t.jatuh_tempo::TIMESTAMP::DATE
FROM mart.tindak_lanjut t LEFT JOIN mart.koperasi k USING (nik) WHERE t.status IN ('baru', 'diproses')
ORDER BY t.jatuh_tempo::TIMESTAMP::DATE NULLS LAST, t.dibuat_pada LIMIT 500
