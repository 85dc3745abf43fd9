-- materialized: table
-- depends_on: staging.laporan_terbit
-- The current report per (nik, tahun_buku): the latest published submission wins (then the later row
-- of that submission); superseded versions stay in core.laporan_versi. Derived measures fill what the
-- file left out: modal_sendiri from its four parts, jumlah_anggota from pria + wanita, and the growth
-- on the previous tahun buku (a ratio: 0.1 = +10 %; NULL when the previous year is missing or zero).
WITH cur AS (
    SELECT * REPLACE (
            coalesce(modal_sendiri, CASE WHEN simpanan_pokok IS NOT NULL OR simpanan_wajib IS NOT NULL OR dana_cadangan IS NOT NULL OR hibah IS NOT NULL
                THEN coalesce(simpanan_pokok, 0) + coalesce(simpanan_wajib, 0) + coalesce(dana_cadangan, 0) + coalesce(hibah, 0) END)::DECIMAL(18,2) AS modal_sendiri,
            coalesce(jumlah_anggota, anggota_pria + anggota_wanita) AS jumlah_anggota
        ),
        count(*) OVER w AS jumlah_versi,
        min(received_at) OVER w AS pertama_diterima
    FROM staging.laporan_terbit
    WHERE kind = 'laporan' AND tahun_buku IS NOT NULL
    WINDOW w AS (PARTITION BY nik, tahun_buku)
    QUALIFY row_number() OVER (PARTITION BY nik, tahun_buku ORDER BY received_at DESC, submission_id DESC, row_number DESC) = 1
)
SELECT c.*,
    p.jumlah_anggota AS jumlah_anggota_tahun_lalu,
    p.total_aset AS total_aset_tahun_lalu,
    CASE WHEN p.jumlah_anggota <> 0 THEN (c.jumlah_anggota - p.jumlah_anggota) / abs(p.jumlah_anggota) END::DOUBLE AS pertumbuhan_anggota,
    CASE WHEN p.total_aset <> 0 THEN (c.total_aset - p.total_aset) / abs(p.total_aset) END::DOUBLE AS pertumbuhan_aset,
    CASE WHEN p.modal_sendiri <> 0 THEN (c.modal_sendiri - p.modal_sendiri) / abs(p.modal_sendiri) END::DOUBLE AS pertumbuhan_modal_sendiri,
    CASE WHEN p.volume_usaha <> 0 THEN (c.volume_usaha - p.volume_usaha) / abs(p.volume_usaha) END::DOUBLE AS pertumbuhan_volume_usaha,
    CASE WHEN p.shu <> 0 THEN (c.shu - p.shu) / abs(p.shu) END::DOUBLE AS pertumbuhan_shu
FROM cur c
LEFT JOIN cur p ON p.nik = c.nik AND p.tahun_buku = c.tahun_buku - 1
