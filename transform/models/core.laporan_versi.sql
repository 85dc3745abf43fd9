-- materialized: view
-- depends_on: staging.laporan_diterima, staging.laporan_terbit, core.laporan
-- Every version of every report (nik × tahun_buku), superseded and held ones included:
-- status_versi is berlaku (the one in core.laporan), digantikan (an older published version),
-- or ditahan (its load is held for review, rejected, or blocked by an error-severity check).
WITH terbit AS (SELECT DISTINCT submission_id FROM staging.laporan_terbit)
SELECT
    d.*,
    row_number() OVER (PARTITION BY d.nik, d.tahun_buku ORDER BY d.received_at, d.submission_id, d.row_number) AS versi,
    CASE
        WHEN t.submission_id IS NULL THEN 'ditahan'
        WHEN c.submission_id = d.submission_id AND c.row_number = d.row_number AND c.sheet IS NOT DISTINCT FROM d.sheet THEN 'berlaku'
        ELSE 'digantikan'
    END AS status_versi,
    CASE WHEN t.submission_id IS NOT NULL AND NOT (c.submission_id = d.submission_id AND c.row_number = d.row_number AND c.sheet IS NOT DISTINCT FROM d.sheet)
        THEN c.submission_id END AS digantikan_oleh
FROM staging.laporan_diterima d
LEFT JOIN terbit t ON t.submission_id = d.submission_id
LEFT JOIN core.laporan c ON c.nik = d.nik AND c.tahun_buku = d.tahun_buku
WHERE d.kind = 'laporan' AND d.tahun_buku IS NOT NULL
