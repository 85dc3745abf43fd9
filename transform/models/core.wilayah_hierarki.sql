-- materialized: table
-- reads: core.wilayah
-- Each region code with the codes and names of its provinsi, kabupaten/kota and kecamatan.
-- Parent codes are computed first so every join is a plain equality (hash) join.
WITH w AS (
    SELECT kode, nama, level,
        left(kode, 2) AS kp,
        CASE WHEN level >= 2 THEN left(kode, 5) END AS kk,
        CASE WHEN level >= 3 THEN left(kode, 8) END AS kc,
        CASE WHEN level = 4 THEN kode END AS kd
    FROM core.wilayah
)
SELECT
    w.kode, w.nama, w.level,
    p.kode AS kode_provinsi, p.nama AS provinsi,
    k.kode AS kode_kabupaten_kota, k.nama AS kabupaten_kota,
    c.kode AS kode_kecamatan, c.nama AS kecamatan,
    d.kode AS kode_desa_kelurahan, d.nama AS desa_kelurahan
FROM w
LEFT JOIN core.wilayah p ON p.kode = w.kp
LEFT JOIN core.wilayah k ON k.kode = w.kk
LEFT JOIN core.wilayah c ON c.kode = w.kc
LEFT JOIN core.wilayah d ON d.kode = w.kd
