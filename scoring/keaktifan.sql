-- Facts behind each cooperative's activity status as of a date ($1 = per_tanggal, $2 = the last closed
-- tahun buku, $3 = number of years without RAT before tidak_aktif). RAT evidence comes from every
-- accepted submission, not only the current one: a later partial re-upload that leaves tanggal_rat
-- empty must not erase a RAT that was reported.
WITH rat AS (
    SELECT nik, tahun_buku, max(tanggal_rat) AS tanggal_rat
    FROM staging.laporan_diterima
    WHERE kind = 'laporan' AND tanggal_rat IS NOT NULL AND tanggal_rat <= $1
    GROUP BY nik, tahun_buku
), lapor AS (
    SELECT DISTINCT nik, tahun_buku FROM core.laporan
)
SELECT
    k.nik,
    k.tanggal_badan_hukum,
    k.tanggal_pembubaran,
    (SELECT max(r.tahun_buku) FROM rat r WHERE r.nik = k.nik) AS tahun_rat_terakhir,
    (SELECT arg_max(r.tanggal_rat, r.tahun_buku) FROM rat r WHERE r.nik = k.nik) AS tanggal_rat_terakhir,
    EXISTS (SELECT 1 FROM rat r WHERE r.nik = k.nik AND r.tahun_buku BETWEEN $2 - $3 + 1 AND $2) AS rat_dalam_jendela,
    EXISTS (SELECT 1 FROM rat r WHERE r.nik = k.nik AND r.tahun_buku = $2) AS rat_tahun_terakhir,
    EXISTS (SELECT 1 FROM lapor l WHERE l.nik = k.nik AND l.tahun_buku = $2) AS lapor_tahun_terakhir
FROM core.koperasi k
ORDER BY k.nik
