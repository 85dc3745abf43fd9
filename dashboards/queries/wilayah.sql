-- The Wilayah page: cooperatives and their latest-year reports by region. Columns: induk, kode, nama,
-- koperasi, aktif, tidak_aktif, baru, dibubarkan, % aktif, reports of the latest tahun buku, members,
-- own capital, business volume (wilayahKolom after the first column).

-- name: wilayah_tahun_terakhir
-- (fragment) the latest tahun buku's reports.
WITH th AS (SELECT max(tahun_buku) AS t FROM mart.laporan),
lap AS (SELECT nik, jumlah_anggota, modal_sendiri, volume_usaha FROM mart.laporan WHERE tahun_buku = (SELECT t FROM th))

-- name: wilayah_ukuran
-- (fragment) the measures, after the region columns.
count(*),
    count(*) FILTER (WHERE status_aktif = 'aktif'), count(*) FILTER (WHERE status_aktif = 'tidak_aktif'),
    count(*) FILTER (WHERE status_aktif = 'baru'), count(*) FILTER (WHERE status_aktif = 'dibubarkan'),
    round(100.0 * count(*) FILTER (WHERE status_aktif = 'aktif') / count(*), 1)::DOUBLE,
    count(l.nik), coalesce(sum(l.jumlah_anggota), 0)::BIGINT,
    coalesce(sum(l.modal_sendiri), 0)::DOUBLE, coalesce(sum(l.volume_usaha), 0)::DOUBLE

-- name: wilayah_kabupaten
-- Per kab/kota, within its provinsi.
{{wilayah_tahun_terakhir}}
SELECT k.kode_provinsi, k.kode_kabupaten_kota, coalesce(any_value(k.kabupaten_kota), '(wilayah tidak diketahui)'), {{wilayah_ukuran}}
FROM mart.koperasi k LEFT JOIN lap l USING (nik)
GROUP BY k.kode_provinsi, k.kode_kabupaten_kota ORDER BY k.kode_provinsi NULLS LAST, count(*) DESC, 3

-- name: wilayah_kecamatan
-- Per kecamatan, within its kab/kota (the drill-down).
{{wilayah_tahun_terakhir}}
SELECT k.kode_kabupaten_kota, k.kode_kecamatan, coalesce(any_value(k.kecamatan), '(wilayah tidak diketahui)'), {{wilayah_ukuran}}
FROM mart.koperasi k LEFT JOIN lap l USING (nik)
GROUP BY k.kode_kabupaten_kota, k.kode_kecamatan ORDER BY k.kode_kabupaten_kota NULLS LAST, count(*) DESC, 3
