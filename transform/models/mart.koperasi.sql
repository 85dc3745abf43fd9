-- materialized: view
-- depends_on: core.koperasi, core.wilayah_hierarki
-- reads: mart.keaktifan
-- One row per cooperative (SPEC §5). status_aktif comes from mart.keaktifan, written by `pantau score`.
SELECT
    k.nik, k.nama_koperasi, k.jenis, k.bentuk, k.kelompok, k.sektor_usaha, k.alamat,
    k.kode_wilayah, h.kode_provinsi, h.provinsi, h.kode_kabupaten_kota, h.kabupaten_kota,
    h.kode_kecamatan, h.kecamatan, h.desa_kelurahan,
    k.nomor_badan_hukum, k.tanggal_badan_hukum, k.tanggal_pembubaran,
    a.status AS status_aktif, a.peringatan, a.alasan,
    k.nama_ketua, k.telepon
FROM core.koperasi k
LEFT JOIN core.wilayah_hierarki h ON h.kode = k.kode_wilayah
LEFT JOIN mart.keaktifan a ON a.nik = k.nik
