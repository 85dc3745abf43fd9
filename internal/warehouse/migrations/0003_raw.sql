-- raw: every row exactly as received, with provenance. Nothing here is ever updated or deleted.

-- Every data row of every submission, accepted or not: the cells as written (header label → cell
-- text, or the raw cell value for XLSX), so any figure can be traced back to its source.
CREATE TABLE IF NOT EXISTS raw.rows (
    submission_id  BIGINT NOT NULL,
    sheet          VARCHAR,
    row_number     INTEGER NOT NULL,
    cells          JSON NOT NULL,
    status         VARCHAR NOT NULL       -- accepted, quarantined, duplicate, skipped (totals row)
);

-- The parsed, typed form of each accepted row: one column per canonical field (internal/fields).
CREATE TABLE IF NOT EXISTS raw.laporan (
    submission_id  BIGINT NOT NULL,
    sheet          VARCHAR,
    row_number     INTEGER NOT NULL,
    "nik" VARCHAR,
    "nama_koperasi" VARCHAR,
    "nomor_badan_hukum" VARCHAR,
    "tanggal_badan_hukum" DATE,
    "nomor_izin_usaha" VARCHAR,
    "tanggal_izin_usaha" DATE,
    "bentuk" VARCHAR,
    "jenis" VARCHAR,
    "kelompok" VARCHAR,
    "sektor_usaha" VARCHAR,
    "alamat" VARCHAR,
    "kode_wilayah" VARCHAR,
    "provinsi" VARCHAR,
    "kabupaten_kota" VARCHAR,
    "kecamatan" VARCHAR,
    "desa_kelurahan" VARCHAR,
    "nama_ketua" VARCHAR,
    "telepon" VARCHAR,
    "tanggal_pembubaran" DATE,
    "tahun_buku" INTEGER,
    "tanggal_rat" DATE,
    "anggota_pria" INTEGER,
    "anggota_wanita" INTEGER,
    "jumlah_anggota" INTEGER,
    "jumlah_manajer" INTEGER,
    "jumlah_karyawan" INTEGER,
    "simpanan_pokok" DECIMAL(18,2),
    "simpanan_wajib" DECIMAL(18,2),
    "dana_cadangan" DECIMAL(18,2),
    "hibah" DECIMAL(18,2),
    "modal_sendiri" DECIMAL(18,2),
    "modal_luar" DECIMAL(18,2),
    "total_aset" DECIMAL(18,2),
    "volume_usaha" DECIMAL(18,2),
    "shu" DECIMAL(18,2),
    "kas_bank" DECIMAL(18,2),
    "kewajiban_lancar" DECIMAL(18,2),
    "pinjaman_diberikan" DECIMAL(18,2),
    "pinjaman_anggota" DECIMAL(18,2),
    "pinjaman_kurang_lancar" DECIMAL(18,2),
    "pinjaman_diragukan" DECIMAL(18,2),
    "pinjaman_macet" DECIMAL(18,2),
    "pinjaman_berisiko" DECIMAL(18,2),
    "cadangan_risiko" DECIMAL(18,2),
    "dana_diterima" DECIMAL(18,2),
    "modal_tertimbang" DECIMAL(18,2),
    "atmr" DECIMAL(18,2),
    "beban_operasi_anggota" DECIMAL(18,2),
    "partisipasi_bruto" DECIMAL(18,2),
    "partisipasi_netto" DECIMAL(18,2),
    "pendapatan" DECIMAL(18,2),
    "beban_usaha" DECIMAL(18,2),
    "beban_perkoperasian" DECIMAL(18,2),
    "shu_kotor" DECIMAL(18,2),
    "shu_sebelum_pajak" DECIMAL(18,2),
    "shu_bagian_anggota" DECIMAL(18,2),
    "biaya_karyawan" DECIMAL(18,2),
    "volume_pinjaman" DECIMAL(18,2),
    "promosi_ekonomi_anggota" DECIMAL(18,2),
    "manajemen_umum_ya" INTEGER,
    "kelembagaan_ya" INTEGER,
    "manajemen_permodalan_ya" INTEGER,
    "manajemen_aktiva_ya" INTEGER,
    "manajemen_likuiditas_ya" INTEGER
);

-- The body of every API page or push request, as received.
CREATE TABLE IF NOT EXISTS raw.api_pages (
    submission_id  BIGINT NOT NULL,
    body           JSON NOT NULL
);
