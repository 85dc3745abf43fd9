-- scoring (issue #6): health grades per rubric, the rubric definitions they were computed with, and
-- follow-up cases with their notes and audit trail. mart.kesehatan* and mart.rubrik* are rewritten by
-- every `pantau score`; ops.tindak_lanjut, its notes and ops.audit are never rewritten, only appended
-- to or updated case by case (every change of a case is a row in ops.audit).

-- The marts below are rewritten whole by each scoring run, in one transaction: DELETE then INSERT of
-- the same keys. DuckDB checks a PRIMARY KEY eagerly within a transaction (a deleted key cannot be
-- inserted again before COMMIT), so these tables carry no key constraint; the engine guarantees one row
-- per key and a test checks it. mart.keaktifan (0005) had the same problem on a second `pantau score`:
-- it is rebuilt here without its key.
CREATE TABLE mart.keaktifan_0700 (
    nik                   VARCHAR NOT NULL,
    status                VARCHAR NOT NULL,
    peringatan            VARCHAR NOT NULL,
    alasan                VARCHAR NOT NULL,
    per_tanggal           DATE NOT NULL,
    tahun_buku_tertutup   INTEGER NOT NULL,
    tahun_rat_terakhir    INTEGER,
    tanggal_rat_terakhir  DATE,
    dihitung_pada         TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
INSERT INTO mart.keaktifan_0700 SELECT * FROM mart.keaktifan;
DROP TABLE mart.keaktifan;
ALTER TABLE mart.keaktifan_0700 RENAME TO keaktifan;

-- One row per cooperative × tahun buku × rubric (SPEC §5).
CREATE TABLE IF NOT EXISTS mart.kesehatan (
    nik                  VARCHAR NOT NULL,
    tahun_buku           INTEGER NOT NULL,
    rubrik               VARCHAR NOT NULL,   -- ksp-2016, kkpkk-2021, umum-2026
    versi_rubrik         VARCHAR NOT NULL,
    skor                 DOUBLE,             -- 0–100, rescaled over the assessed weight; NULL when nothing could be assessed
    kategori             VARCHAR NOT NULL,   -- Sehat, Cukup Sehat, Dalam Pengawasan, Dalam Pengawasan Khusus, Tidak Dapat Dinilai
    grade                VARCHAR,            -- letter from [kesehatan]; NULL for Tidak Dapat Dinilai
    peringkat            INTEGER,            -- position of kategori in the rubric, 1 = best; NULL for Tidak Dapat Dinilai
    cakupan              DOUBLE NOT NULL,    -- assessed weight / total weight, 0–1
    bobot_dinilai        DOUBLE NOT NULL,
    bobot_total          DOUBLE NOT NULL,
    skor_mentah          DOUBLE NOT NULL,    -- sum of the assessed indicators' points, before rescaling
    indikator_dinilai    INTEGER NOT NULL,
    indikator_total      INTEGER NOT NULL,
    tahun_buku_sebelumnya INTEGER,           -- the previous tahun buku scored with this rubric
    skor_sebelumnya      DOUBLE,
    kategori_sebelumnya  VARCHAR,
    perubahan            VARCHAR,            -- naik, turun, tetap; NULL without two comparable categories
    provisional          BOOLEAN NOT NULL,   -- the rubric has parts marked provisional
    dihitung_pada        TIMESTAMPTZ NOT NULL
);

-- One row per indicator of each result: the worksheet behind every score.
CREATE TABLE IF NOT EXISTS mart.kesehatan_indikator (
    nik             VARCHAR NOT NULL,
    tahun_buku      INTEGER NOT NULL,
    rubrik          VARCHAR NOT NULL,
    versi_rubrik    VARCHAR NOT NULL,
    urutan          INTEGER NOT NULL,        -- position in the rubric file
    aspek           VARCHAR NOT NULL,
    nama_aspek      VARCHAR NOT NULL,
    indikator       VARCHAR NOT NULL,        -- code within the rubric, e.g. 1.1
    nama_indikator  VARCHAR NOT NULL,
    rumus           VARCHAR NOT NULL,        -- the formula as the official form writes it
    nilai           DOUBLE,                  -- the indicator's value (a ratio in %, a count ...)
    band            VARCHAR,                 -- the band the value fell in, e.g. "20 ≤ x < 40"
    skor            DOUBLE,                  -- points earned (0..bobot); NULL when not assessed
    bobot           DOUBLE NOT NULL,
    dinilai         BOOLEAN NOT NULL,
    input_hilang    VARCHAR NOT NULL,        -- comma-separated canonical fields that were missing ('' for none)
    keterangan      VARCHAR NOT NULL         -- why not assessed (Bahasa Indonesia), '' when assessed
);

-- The rubric definitions the results were computed with (for analysts; rewritten with the results).
CREATE TABLE IF NOT EXISTS mart.rubrik (
    rubrik       VARCHAR NOT NULL,
    versi        VARCHAR NOT NULL,
    nama         VARCHAR NOT NULL,
    dasar        VARCHAR NOT NULL,
    provisional  BOOLEAN NOT NULL,
    catatan      VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS mart.rubrik_indikator (
    rubrik        VARCHAR NOT NULL,
    urutan        INTEGER NOT NULL,
    aspek         VARCHAR NOT NULL,
    nama_aspek    VARCHAR NOT NULL,
    bobot_aspek   DOUBLE NOT NULL,
    indikator     VARCHAR NOT NULL,
    nama          VARCHAR NOT NULL,
    rumus         VARCHAR NOT NULL,
    ekspresi      VARCHAR NOT NULL,
    bobot         DOUBLE NOT NULL,
    skor_per_nilai DOUBLE,           -- linear scoring (points per unit of nilai, clamped to 0..bobot) instead of bands
    tepi_kiri_terbuka BOOLEAN NOT NULL, -- bands are a < x ≤ b instead of a ≤ x < b
    status_sumber VARCHAR NOT NULL,  -- terkonfirmasi, implementasi, belum_terkonfirmasi, provisional, kalibrasi
    catatan       VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS mart.rubrik_band (
    rubrik       VARCHAR NOT NULL,
    indikator    VARCHAR NOT NULL,
    urutan       INTEGER NOT NULL,
    dari         DOUBLE,             -- NULL = −∞ (or a point band)
    sampai       DOUBLE,             -- NULL = +∞
    sama_dengan  DOUBLE,             -- a point band: x = this value, checked before the intervals
    skor         DOUBLE NOT NULL,
    label        VARCHAR NOT NULL
);

-- Follow-up cases (SPEC §4). A case is open while status is baru or diproses; at most one open case per
-- (nik, alasan) — enforced by tindaklanjut.New/raise under the writer lock.
CREATE SEQUENCE IF NOT EXISTS ops.tindak_lanjut_id_seq START 1;
CREATE TABLE IF NOT EXISTS ops.tindak_lanjut (
    id             BIGINT PRIMARY KEY DEFAULT nextval('ops.tindak_lanjut_id_seq'),
    nik            VARCHAR NOT NULL,
    nama_koperasi  VARCHAR NOT NULL,
    alasan         VARCHAR NOT NULL,     -- tidak_aktif, rat_terlambat, belum_lapor, kesehatan, kategori_turun, kualitas_data, lainnya
    keterangan     VARCHAR NOT NULL,     -- the evidence in Bahasa Indonesia ("RAT terakhir: tahun buku 2020")
    tahun_buku     INTEGER,              -- the tahun buku the reason concerns, when there is one
    status         VARCHAR NOT NULL,     -- baru, diproses, selesai, dibatalkan
    prioritas      VARCHAR NOT NULL,     -- tinggi, sedang, rendah
    petugas        VARCHAR NOT NULL,     -- '' = not assigned
    sumber         VARCHAR NOT NULL,     -- otomatis, manual
    jatuh_tempo    DATE,
    dibuat_oleh    VARCHAR NOT NULL,
    dibuat_pada    TIMESTAMPTZ NOT NULL,
    diubah_pada    TIMESTAMPTZ NOT NULL,
    ditutup_pada   TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS tindak_lanjut_nik ON ops.tindak_lanjut (nik, alasan);

CREATE SEQUENCE IF NOT EXISTS ops.tindak_lanjut_catatan_id_seq START 1;
CREATE TABLE IF NOT EXISTS ops.tindak_lanjut_catatan (
    id        BIGINT PRIMARY KEY DEFAULT nextval('ops.tindak_lanjut_catatan_id_seq'),
    kasus_id  BIGINT NOT NULL,
    oleh      VARCHAR NOT NULL,
    teks      VARCHAR NOT NULL,
    pada      TIMESTAMPTZ NOT NULL
);

-- Who changed what and when, for every audited entity (follow-up cases first). Never updated.
CREATE SEQUENCE IF NOT EXISTS ops.audit_id_seq START 1;
CREATE TABLE IF NOT EXISTS ops.audit (
    id         BIGINT PRIMARY KEY DEFAULT nextval('ops.audit_id_seq'),
    "at"       TIMESTAMPTZ NOT NULL,
    who        VARCHAR NOT NULL,
    entity     VARCHAR NOT NULL,     -- tindak_lanjut
    entity_id  BIGINT NOT NULL,
    field      VARCHAR NOT NULL,     -- status, petugas, prioritas, jatuh_tempo, catatan, dibuat
    "before"   VARCHAR,
    "after"    VARCHAR
);
CREATE INDEX IF NOT EXISTS audit_entity ON ops.audit (entity, entity_id);

-- Follow-up cases for analysts (SPEC §5).
CREATE OR REPLACE VIEW mart.tindak_lanjut AS
SELECT t.id, t.nik, t.nama_koperasi, t.alasan, t.keterangan, t.tahun_buku, t.status, t.prioritas, t.petugas,
    t.sumber, t.jatuh_tempo, t.dibuat_oleh, t.dibuat_pada, t.diubah_pada, t.ditutup_pada,
    t.status IN ('baru', 'diproses') AS terbuka,
    (SELECT count(*) FROM ops.tindak_lanjut_catatan c WHERE c.kasus_id = t.id) AS jumlah_catatan
FROM ops.tindak_lanjut t;
