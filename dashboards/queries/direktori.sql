-- The directory and the profiles (direktori.go). Every query is sorted by kab, the file key of a
-- cooperative's kab/kota ('lain' without a region), and read with one cursor per query.

-- name: direktori_kolom
-- (fragment) the directory row and the profile, up to the provinsi; the last three columns (alamat,
-- ketua, telepon) differ between the internal and the public build.
coalesce(k.kode_kabupaten_kota, 'lain') AS kab, k.nik, k.nama_koperasi, k.jenis, k.kelompok, k.kecamatan, k.desa_kelurahan,
    coalesce(k.status_aktif, 'belum_dinilai'), coalesce(a.peringatan, ''),
    coalesce(h.kategori, 'Tidak Dapat Dinilai'), h.grade, h.rubrik, h.tahun_buku, k.nomor_badan_hukum,
    coalesce(k.kabupaten_kota, '(wilayah tidak diketahui)'), k.bentuk, k.sektor_usaha, k.tanggal_badan_hukum, k.tanggal_pembubaran,
    coalesce(a.alasan, ''), a.per_tanggal, a.tahun_rat_terakhir, a.tanggal_rat_terakhir, k.provinsi

-- name: direktori_dari
-- (fragment)
mart.koperasi k LEFT JOIN mart.keaktifan a USING (nik) LEFT JOIN ({{kesehatan_terkini}}) h USING (nik)

-- name: direktori_koperasi
-- Every cooperative, with the personal columns of the internal build.
SELECT {{direktori_kolom}}, k.alamat, k.nama_ketua, k.telepon
FROM {{direktori_dari}}
ORDER BY kab, k.nama_koperasi, k.nik

-- name: direktori_koperasi_publik
-- Every cooperative for the public build: alamat, ketua and telepon are not even read.
SELECT {{direktori_kolom}}, NULL, NULL, NULL
FROM {{direktori_dari}}
ORDER BY kab, k.nama_koperasi, k.nik

-- name: direktori_laporan
-- The yearly figures of every cooperative.
SELECT coalesce(k.kode_kabupaten_kota, 'lain') AS kab, l.nik, l.tahun_buku, l.jumlah_anggota, l.modal_sendiri::DOUBLE, l.modal_luar::DOUBLE,
    l.total_aset::DOUBLE, l.volume_usaha::DOUBLE, l.shu::DOUBLE, l.tanggal_rat
FROM mart.laporan l JOIN mart.koperasi k USING (nik) ORDER BY kab, l.nik, l.tahun_buku

-- name: direktori_kesehatan
-- Every grade of every cooperative (one history line per rubric on the profile).
SELECT coalesce(k.kode_kabupaten_kota, 'lain') AS kab, h.nik, h.tahun_buku, h.rubrik, round(h.skor, 2)::DOUBLE,
    coalesce(h.kategori, 'Tidak Dapat Dinilai'), h.grade, round(100 * h.cakupan, 1)::DOUBLE, h.perubahan
FROM mart.kesehatan h JOIN mart.koperasi k USING (nik) ORDER BY kab, h.nik, h.tahun_buku, h.rubrik

-- name: direktori_lembar_kerja
-- The latest worksheet of every rubric that scored the cooperative, each shown under its own title.
-- band, input_hilang, nama_aspek and urutan are read through an empty relation that names them
-- (UNION ALL BY NAME), so a worksheet table without them (an older contract) reads as NULL there:
-- then the aspect's code stands for its name and the indicator code gives the order.
SELECT coalesce(k.kode_kabupaten_kota, 'lain') AS kab, i.nik, coalesce(nullif(i.nama_aspek, ''), i.aspek), i.nama_indikator, i.rubrik, i.tahun_buku,
    round(i.nilai, 4)::DOUBLE, i.band::VARCHAR, round(i.skor, 2)::DOUBLE, round(i.bobot, 2)::DOUBLE, i.dinilai, i.input_hilang::VARCHAR
FROM (
    SELECT NULL::VARCHAR AS band, NULL::VARCHAR AS input_hilang, NULL::VARCHAR AS nama_aspek, NULL::INTEGER AS urutan WHERE false
    UNION ALL BY NAME SELECT * FROM mart.kesehatan_indikator
) i
JOIN (SELECT nik, rubrik, max(tahun_buku) AS tahun_buku FROM mart.kesehatan GROUP BY 1, 2) h ON h.nik = i.nik AND h.tahun_buku = i.tahun_buku AND h.rubrik = i.rubrik
JOIN mart.koperasi k ON k.nik = i.nik
ORDER BY kab, i.nik, i.rubrik, i.urutan, CASE WHEN i.urutan IS NULL THEN i.indikator END, i.aspek, i.indikator

-- name: direktori_kasus
-- Follow-up cases per cooperative (internal build only), newest first.
SELECT coalesce(k.kode_kabupaten_kota, 'lain') AS kab, t.nik, t.id, t.alasan, t.status, t.prioritas, t.petugas,
    t.dibuat_pada::TIMESTAMP::DATE, t.jatuh_tempo::TIMESTAMP::DATE
FROM mart.tindak_lanjut t JOIN mart.koperasi k USING (nik) ORDER BY kab, t.nik, t.dibuat_pada DESC
