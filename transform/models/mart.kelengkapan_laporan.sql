-- materialized: table
-- depends_on: core.koperasi, core.laporan, core.wilayah_hierarki
-- reads: ops.transform_settings
-- Reporting completeness with DHIS2's five measures, per tahun buku and region level (provinsi,
-- kabupaten_kota, kecamatan), for every tahun buku from the first to the last one reported.
-- Expected: cooperatives that existed in the year (tanggal_badan_hukum in or before it; when unknown,
-- from the first tahun buku it reported) and were not dissolved in or before it (tanggal_pembubaran).
-- Actual: those with a published report for the year. On time: its first published version arrived
-- before the deadline, [status] batas_lapor_bulan months after the end of the tahun buku
-- (ops.transform_settings; separate from any lock). Region: the cooperative's current region.
-- Rates are percentages (0–100).
WITH cfg AS (
    SELECT coalesce(max(CASE WHEN name = 'batas_lapor_bulan' THEN TRY_CAST(value AS INTEGER) END), 6) AS bulan
    FROM ops.transform_settings
), tahun AS (
    SELECT unnest(generate_series(min(tahun_buku), max(tahun_buku))) AS tahun_buku FROM core.laporan
), pertama AS (
    SELECT nik, min(tahun_buku) AS tahun_pertama FROM core.laporan GROUP BY nik
), kop AS (
    SELECT k.nik, k.tanggal_badan_hukum, k.tanggal_pembubaran, p.tahun_pertama,
        h.kode_provinsi, h.provinsi, h.kode_kabupaten_kota, h.kabupaten_kota, h.kode_kecamatan, h.kecamatan
    FROM core.koperasi k
    LEFT JOIN pertama p USING (nik)
    LEFT JOIN core.wilayah_hierarki h ON h.kode = k.kode_wilayah
), diharapkan AS (
    SELECT kop.*, t.tahun_buku
    FROM kop CROSS JOIN tahun t
    WHERE (CASE WHEN kop.tanggal_badan_hukum IS NOT NULL THEN year(kop.tanggal_badan_hukum) <= t.tahun_buku
                WHEN kop.tahun_pertama IS NOT NULL THEN kop.tahun_pertama <= t.tahun_buku
                ELSE true END)
      AND (kop.tanggal_pembubaran IS NULL OR year(kop.tanggal_pembubaran) > t.tahun_buku)
), fakta AS (
    SELECT e.*,
        l.nik IS NOT NULL AS lapor,
        l.nik IS NOT NULL AND l.pertama_diterima < (make_date(e.tahun_buku + 1, 1, 1) + to_months((SELECT bulan FROM cfg)))::TIMESTAMP AS tepat_waktu
    FROM diharapkan e
    LEFT JOIN core.laporan l ON l.nik = e.nik AND l.tahun_buku = e.tahun_buku
), per_level AS (
    SELECT 'provinsi' AS level, kode_provinsi AS kode_wilayah, any_value(provinsi) AS nama_wilayah, NULL::VARCHAR AS kode_induk,
        tahun_buku, count(*) AS expected_reports, count(*) FILTER (WHERE lapor) AS actual_reports,
        count(*) FILTER (WHERE tepat_waktu) AS actual_reports_on_time
    FROM fakta GROUP BY kode_provinsi, tahun_buku
    UNION ALL
    SELECT 'kabupaten_kota', kode_kabupaten_kota, any_value(kabupaten_kota), any_value(kode_provinsi),
        tahun_buku, count(*), count(*) FILTER (WHERE lapor), count(*) FILTER (WHERE tepat_waktu)
    FROM fakta GROUP BY kode_kabupaten_kota, tahun_buku
    UNION ALL
    SELECT 'kecamatan', kode_kecamatan, any_value(kecamatan), any_value(kode_kabupaten_kota),
        tahun_buku, count(*), count(*) FILTER (WHERE lapor), count(*) FILTER (WHERE tepat_waktu)
    FROM fakta GROUP BY kode_kecamatan, tahun_buku
)
SELECT
    kode_wilayah, level,
    coalesce(nama_wilayah, 'Wilayah tidak diketahui') AS nama_wilayah,
    kode_induk, tahun_buku::INTEGER AS tahun_buku,
    expected_reports, actual_reports, actual_reports_on_time,
    round(100.0 * actual_reports / expected_reports, 2) AS reporting_rate,
    round(100.0 * actual_reports_on_time / expected_reports, 2) AS reporting_rate_on_time
FROM per_level
ORDER BY level, kode_wilayah NULLS LAST, tahun_buku
