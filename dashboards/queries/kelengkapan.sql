-- The Kelengkapan Laporan page (mart.kelengkapan_laporan, DHIS2's measures). $tahun: the latest tahun buku.

-- name: kelengkapan_tahun
-- Per tahun buku over the kab/kota rows: expected, actual, on time, rate, rate on time.
SELECT tahun_buku, sum(expected_reports)::BIGINT, sum(actual_reports)::BIGINT, sum(actual_reports_on_time)::BIGINT,
    round(100.0 * sum(actual_reports) / nullif(sum(expected_reports), 0), 1)::DOUBLE,
    round(100.0 * sum(actual_reports_on_time) / nullif(sum(expected_reports), 0), 1)::DOUBLE
FROM mart.kelengkapan_laporan WHERE level = 'kabupaten_kota' GROUP BY 1 ORDER BY 1

-- name: kelengkapan_kabupaten
SELECT kode_wilayah, nama_wilayah, expected_reports, actual_reports, actual_reports_on_time,
    reporting_rate::DOUBLE, reporting_rate_on_time::DOUBLE
FROM mart.kelengkapan_laporan WHERE level = 'kabupaten_kota' AND tahun_buku = $tahun ORDER BY reporting_rate, nama_wilayah

-- name: kelengkapan_matriks
SELECT kode_wilayah, nama_wilayah, tahun_buku, reporting_rate::DOUBLE FROM mart.kelengkapan_laporan
WHERE level = 'kabupaten_kota' ORDER BY nama_wilayah, kode_wilayah, tahun_buku

-- name: kelengkapan_kecamatan
-- The lowest kecamatan (at least 3 expected reports), with their kab/kota.
SELECT c.kode_wilayah, c.nama_wilayah, coalesce(k.nama_wilayah, ''), c.expected_reports, c.actual_reports,
    c.reporting_rate::DOUBLE, c.reporting_rate_on_time::DOUBLE
FROM mart.kelengkapan_laporan c LEFT JOIN mart.kelengkapan_laporan k
    ON k.level = 'kabupaten_kota' AND k.kode_wilayah = c.kode_induk AND k.tahun_buku = c.tahun_buku
WHERE c.level = 'kecamatan' AND c.tahun_buku = $tahun AND c.expected_reports >= 3
ORDER BY c.reporting_rate, c.expected_reports DESC LIMIT 200
