-- materialized: table
-- depends_on: staging.laporan_diterima
-- The current report per (nik, tahun_buku): the latest accepted submission wins (then the later row
-- of that submission). Derived measures fill what the file left out.
SELECT * REPLACE (
        coalesce(modal_sendiri, CASE WHEN simpanan_pokok IS NOT NULL OR simpanan_wajib IS NOT NULL OR dana_cadangan IS NOT NULL OR hibah IS NOT NULL
            THEN coalesce(simpanan_pokok, 0) + coalesce(simpanan_wajib, 0) + coalesce(dana_cadangan, 0) + coalesce(hibah, 0) END)::DECIMAL(18,2) AS modal_sendiri,
        coalesce(jumlah_anggota, anggota_pria + anggota_wanita) AS jumlah_anggota
    )
FROM staging.laporan_diterima
WHERE kind = 'laporan' AND tahun_buku IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY nik, tahun_buku ORDER BY received_at DESC, submission_id DESC, row_number DESC) = 1
