-- materialized: table
-- depends_on: staging.laporan_terbit
-- One row per cooperative: each identity field takes its most recent non-empty value across the
-- register and every report, so a report that leaves a field blank does not erase it.
SELECT
    nik,
    arg_max(nama_koperasi, received_at) FILTER (WHERE nama_koperasi IS NOT NULL) AS nama_koperasi,
    arg_max(nomor_badan_hukum, received_at) FILTER (WHERE nomor_badan_hukum IS NOT NULL) AS nomor_badan_hukum,
    arg_max(tanggal_badan_hukum, received_at) FILTER (WHERE tanggal_badan_hukum IS NOT NULL) AS tanggal_badan_hukum,
    arg_max(nomor_izin_usaha, received_at) FILTER (WHERE nomor_izin_usaha IS NOT NULL) AS nomor_izin_usaha,
    arg_max(tanggal_izin_usaha, received_at) FILTER (WHERE tanggal_izin_usaha IS NOT NULL) AS tanggal_izin_usaha,
    arg_max(bentuk, received_at) FILTER (WHERE bentuk IS NOT NULL) AS bentuk,
    arg_max(jenis, received_at) FILTER (WHERE jenis IS NOT NULL) AS jenis,
    arg_max(kelompok, received_at) FILTER (WHERE kelompok IS NOT NULL) AS kelompok,
    arg_max(sektor_usaha, received_at) FILTER (WHERE sektor_usaha IS NOT NULL) AS sektor_usaha,
    arg_max(alamat, received_at) FILTER (WHERE alamat IS NOT NULL) AS alamat,
    arg_max(kode_wilayah, received_at) FILTER (WHERE kode_wilayah IS NOT NULL) AS kode_wilayah,
    arg_max(nama_ketua, received_at) FILTER (WHERE nama_ketua IS NOT NULL) AS nama_ketua,
    arg_max(telepon, received_at) FILTER (WHERE telepon IS NOT NULL) AS telepon,
    arg_max(tanggal_pembubaran, received_at) FILTER (WHERE tanggal_pembubaran IS NOT NULL) AS tanggal_pembubaran,
    min(received_at) AS pertama_diterima,
    max(received_at) AS terakhir_diterima
FROM staging.laporan_terbit
WHERE nik IS NOT NULL
GROUP BY nik
