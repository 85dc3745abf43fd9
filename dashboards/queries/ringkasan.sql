-- The Ringkasan page (index.html).

-- name: ringkasan_status
SELECT coalesce(status_aktif, 'belum_dinilai'), count(*) FROM mart.koperasi GROUP BY 1

-- name: ringkasan_tahun
-- Per tahun buku: reports, members, own capital, business volume, assets, SHU, RATs held.
SELECT tahun_buku, count(*), coalesce(sum(jumlah_anggota), 0)::BIGINT,
    coalesce(sum(modal_sendiri), 0)::DOUBLE, coalesce(sum(volume_usaha), 0)::DOUBLE,
    coalesce(sum(total_aset), 0)::DOUBLE, coalesce(sum(shu), 0)::DOUBLE, count(tanggal_rat)
FROM mart.laporan GROUP BY 1 ORDER BY 1

-- name: ringkasan_kesehatan
SELECT coalesce(kategori, 'Tidak Dapat Dinilai'), count(*) FROM ({{kesehatan_terkini}}) GROUP BY 1

-- name: ringkasan_wilayah
-- Per kab/kota: kode, nama, aktif, tidak_aktif, baru, dibubarkan, total (statusPerWilayah).
SELECT kode_kabupaten_kota, coalesce(any_value(kabupaten_kota), '(wilayah tidak diketahui)'),
    count(*) FILTER (WHERE status_aktif = 'aktif'), count(*) FILTER (WHERE status_aktif = 'tidak_aktif'),
    count(*) FILTER (WHERE status_aktif = 'baru'), count(*) FILTER (WHERE status_aktif = 'dibubarkan'), count(*)
FROM mart.koperasi GROUP BY 1 ORDER BY count(*) DESC, 2
