-- materialized: view
-- depends_on: core.laporan, core.koperasi, core.wilayah_hierarki
-- The current report per cooperative and tahun buku (SPEC §5), with region names; the region comes
-- from the report, else from the cooperative's latest known region.
-- A view: a copy of core.laporan (~90 columns × 1.2 million rows at the national scale) would double
-- the heaviest write of every transform, and the joins it adds cost a fraction of a second per query.
SELECT
    l.* EXCLUDE (kode_wilayah, provinsi, kabupaten_kota, kecamatan, desa_kelurahan, sheet, row_number, source, filename, kind),
    coalesce(l.kode_wilayah, k.kode_wilayah) AS kode_wilayah,
    h.kode_provinsi, h.provinsi, h.kode_kabupaten_kota, h.kabupaten_kota, h.kode_kecamatan, h.kecamatan, h.desa_kelurahan,
    l.sheet AS sumber_lembar, l.row_number AS sumber_baris, l.filename AS sumber_berkas
FROM core.laporan l
LEFT JOIN core.koperasi k USING (nik)
LEFT JOIN core.wilayah_hierarki h ON h.kode = coalesce(l.kode_wilayah, k.kode_wilayah)
