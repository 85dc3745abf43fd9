-- The Kesehatan page. kesehatan_terkini and kesehatan_per_tahun: kesehatan_aturan.sql.

-- name: kesehatan_kategori
SELECT coalesce(kategori, 'Tidak Dapat Dinilai'), count(*), avg(skor)::DOUBLE FROM ({{kesehatan_terkini}}) GROUP BY 1

-- name: kesehatan_jenis
-- (jenis, kategori, cooperatives), the jenis with the most cooperatives first.
SELECT coalesce(k.jenis, ''), coalesce(h.kategori, 'Tidak Dapat Dinilai'), count(*)
FROM ({{kesehatan_terkini}}) h JOIN mart.koperasi k USING (nik)
GROUP BY 1, 2 ORDER BY sum(count(*)) OVER (PARTITION BY coalesce(k.jenis, '')) DESC, 1

-- name: kesehatan_wilayah
-- (kab/kota, kategori, cooperatives), the kab/kota with the most cooperatives first.
SELECT coalesce(k.kabupaten_kota, '(wilayah tidak diketahui)'), coalesce(h.kategori, 'Tidak Dapat Dinilai'), count(*)
FROM ({{kesehatan_terkini}}) h JOIN mart.koperasi k USING (nik)
GROUP BY 1, 2 ORDER BY sum(count(*)) OVER (PARTITION BY coalesce(k.kabupaten_kota, '(wilayah tidak diketahui)')) DESC, 1

-- name: kesehatan_perubahan
-- Per tahun buku: cooperatives whose headline category went up, down, or stayed.
SELECT tahun_buku, count(*) FILTER (WHERE perubahan = 'naik'), count(*) FILTER (WHERE perubahan = 'turun'),
    count(*) FILTER (WHERE perubahan = 'tetap')
FROM ({{kesehatan_per_tahun}}) GROUP BY 1 ORDER BY 1

-- name: kesehatan_turun
-- The cooperatives that dropped in their latest assessment, lowest score first.
SELECT h.nik, coalesce(k.nama_koperasi, h.nik), coalesce(k.kabupaten_kota, ''), h.tahun_buku,
    coalesce(h.kategori_sebelumnya, ''), coalesce(h.kategori, 'Tidak Dapat Dinilai'), round(h.skor, 1)::DOUBLE
FROM ({{kesehatan_terkini}}) h LEFT JOIN mart.koperasi k USING (nik)
WHERE h.perubahan = 'turun' ORDER BY h.skor NULLS LAST, 2

-- name: kesehatan_skor
-- The average score per tahun buku and rubric (every rubric, not only the headline).
SELECT tahun_buku, rubrik, round(avg(skor), 1)::DOUBLE, count(*) FROM mart.kesehatan GROUP BY 1, 2 ORDER BY 1, 2
