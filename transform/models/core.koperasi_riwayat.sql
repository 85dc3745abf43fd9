-- materialized: table
-- depends_on: staging.laporan_terbit
-- The cooperative dimension with history (SCD type 2): a new version whenever the name, jenis, region
-- or legal status changes, in the order the rows arrived. A blank field carries the last known value
-- forward (a report that leaves it empty changes nothing). valid_to is the valid_from of the next
-- version; the current version has valid_to NULL and is_current true.
WITH r AS (
    SELECT nik, received_at, submission_id, sheet, row_number, tahun_buku,
        last_value(nama_koperasi IGNORE NULLS) OVER w AS nama_koperasi,
        last_value(jenis IGNORE NULLS) OVER w AS jenis,
        last_value(kode_wilayah IGNORE NULLS) OVER w AS kode_wilayah,
        last_value(nomor_badan_hukum IGNORE NULLS) OVER w AS nomor_badan_hukum,
        last_value(tanggal_badan_hukum IGNORE NULLS) OVER w AS tanggal_badan_hukum,
        last_value(tanggal_pembubaran IGNORE NULLS) OVER w AS tanggal_pembubaran
    FROM staging.laporan_terbit
    WHERE nik IS NOT NULL
    WINDOW w AS (PARTITION BY nik ORDER BY received_at, submission_id, row_number ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
), s AS (
    SELECT *,
        CASE WHEN tanggal_pembubaran IS NOT NULL THEN 'dibubarkan'
             WHEN nomor_badan_hukum IS NOT NULL THEN 'berbadan_hukum'
             ELSE 'tidak_diketahui' END AS status_hukum
    FROM r
), c AS (
    SELECT *,
        hash(upper(trim(nama_koperasi)), jenis, kode_wilayah, status_hukum, nomor_badan_hukum) AS h
    FROM s
), v AS (
    SELECT *
    FROM c
    QUALIFY h IS DISTINCT FROM lag(h) OVER (PARTITION BY nik ORDER BY received_at, submission_id, row_number)
)
SELECT
    nik,
    row_number() OVER (PARTITION BY nik ORDER BY received_at, submission_id, row_number) AS versi,
    nama_koperasi, jenis, kode_wilayah, status_hukum, nomor_badan_hukum, tanggal_badan_hukum, tanggal_pembubaran,
    received_at AS valid_from,
    lead(received_at) OVER (PARTITION BY nik ORDER BY received_at, submission_id, row_number) AS valid_to,
    lead(received_at) OVER (PARTITION BY nik ORDER BY received_at, submission_id, row_number) IS NULL AS is_current,
    submission_id AS sumber_submission_id,
    tahun_buku AS sumber_tahun_buku
FROM v
