-- Activity status per cooperative as of the last scoring run (SPEC §4, §5). A table that always exists
-- so mart.koperasi can join it before the first `pantau score`.
CREATE TABLE IF NOT EXISTS mart.keaktifan (
    nik                   VARCHAR PRIMARY KEY,
    status                VARCHAR NOT NULL,  -- aktif, tidak_aktif, baru, dibubarkan
    peringatan            VARCHAR NOT NULL,  -- comma-separated: rat_terlambat, belum_lapor ('' for none)
    alasan                VARCHAR NOT NULL,  -- Bahasa Indonesia
    per_tanggal           DATE NOT NULL,
    tahun_buku_tertutup   INTEGER NOT NULL,  -- the last closed tahun buku at per_tanggal
    tahun_rat_terakhir    INTEGER,
    tanggal_rat_terakhir  DATE,
    dihitung_pada         TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
