-- materialized: table
-- depends_on: staging.laporan_terbit
-- The current report per (nik, tahun_buku): the latest published submission wins (then the later row
-- of that submission); superseded versions stay in core.laporan_versi. Derived measures fill what the
-- file left out: modal_sendiri from its four parts, jumlah_anggota from pria + wanita, and the growth
-- on the previous tahun buku (a ratio: 0.1 = +10 %; NULL when the previous year is missing or zero).
--
-- Performance: the choice of version and the growth windows run on a narrow projection (keys and the
-- five measures), and the ~80 columns of the chosen row are joined back once at the end. Windows over
-- the full width cost 5× more at 130,000 cooperatives × 10 years.
WITH v AS (
    SELECT submission_id, sheet, row_number, nik, tahun_buku, received_at,
        coalesce(modal_sendiri, CASE WHEN simpanan_pokok IS NOT NULL OR simpanan_wajib IS NOT NULL OR dana_cadangan IS NOT NULL OR hibah IS NOT NULL
            THEN coalesce(simpanan_pokok, 0) + coalesce(simpanan_wajib, 0) + coalesce(dana_cadangan, 0) + coalesce(hibah, 0) END)::DECIMAL(18,2) AS modal_sendiri,
        coalesce(jumlah_anggota, anggota_pria + anggota_wanita) AS jumlah_anggota,
        total_aset, volume_usaha, shu
    FROM staging.laporan_terbit
    WHERE kind = 'laporan' AND tahun_buku IS NOT NULL
), pick AS (
    SELECT *,
        count(*) OVER w AS jumlah_versi,
        min(received_at) OVER w AS pertama_diterima
    FROM v
    WINDOW w AS (PARTITION BY nik, tahun_buku)
    QUALIFY row_number() OVER (PARTITION BY nik, tahun_buku ORDER BY received_at DESC, submission_id DESC, row_number DESC) = 1
), g AS (
    SELECT *,
        lag(tahun_buku) OVER p = tahun_buku - 1 AS ada_lalu,
        lag(jumlah_anggota) OVER p AS anggota_lalu,
        lag(total_aset) OVER p AS aset_lalu,
        lag(modal_sendiri) OVER p AS modal_lalu,
        lag(volume_usaha) OVER p AS volume_lalu,
        lag(shu) OVER p AS shu_lalu
    FROM pick
    WINDOW p AS (PARTITION BY nik ORDER BY tahun_buku)
)
SELECT t.* REPLACE (g.modal_sendiri AS modal_sendiri, g.jumlah_anggota AS jumlah_anggota),
    g.jumlah_versi,
    g.pertama_diterima,
    CASE WHEN g.ada_lalu THEN g.anggota_lalu END AS jumlah_anggota_tahun_lalu,
    CASE WHEN g.ada_lalu THEN g.aset_lalu END AS total_aset_tahun_lalu,
    CASE WHEN g.ada_lalu AND g.anggota_lalu <> 0 THEN (g.jumlah_anggota - g.anggota_lalu) / abs(g.anggota_lalu) END::DOUBLE AS pertumbuhan_anggota,
    CASE WHEN g.ada_lalu AND g.aset_lalu <> 0 THEN (g.total_aset - g.aset_lalu) / abs(g.aset_lalu) END::DOUBLE AS pertumbuhan_aset,
    CASE WHEN g.ada_lalu AND g.modal_lalu <> 0 THEN (g.modal_sendiri - g.modal_lalu) / abs(g.modal_lalu) END::DOUBLE AS pertumbuhan_modal_sendiri,
    CASE WHEN g.ada_lalu AND g.volume_lalu <> 0 THEN (g.volume_usaha - g.volume_lalu) / abs(g.volume_lalu) END::DOUBLE AS pertumbuhan_volume_usaha,
    CASE WHEN g.ada_lalu AND g.shu_lalu <> 0 THEN (g.shu - g.shu_lalu) / abs(g.shu_lalu) END::DOUBLE AS pertumbuhan_shu
FROM g
JOIN staging.laporan_terbit t
  ON t.submission_id = g.submission_id AND t.row_number = g.row_number AND t.sheet IS NOT DISTINCT FROM g.sheet
 AND t.nik = g.nik AND t.tahun_buku = g.tahun_buku
