-- ops: submissions, quarantine and stage runs (SPEC §5). Technical tables, English names.
CREATE SEQUENCE IF NOT EXISTS ops.submission_id_seq START 1;
CREATE SEQUENCE IF NOT EXISTS ops.run_id_seq START 1;
CREATE SEQUENCE IF NOT EXISTS ops.quarantine_id_seq START 1;

-- One row per file or API batch. A file is known by its sha256: the same bytes again are a no-op.
-- status: ingest.Stored (duplikat, uji and kosong are answers to the caller, never stored).
CREATE TABLE IF NOT EXISTS ops.submissions (
    id                BIGINT PRIMARY KEY DEFAULT nextval('ops.submission_id_seq'),
    source            VARCHAR NOT NULL,   -- 'file', 'upload', 'api:<name>', 'push', 'demo'
    kind              VARCHAR NOT NULL DEFAULT 'laporan', -- 'laporan' (annual reports) or 'registrasi' (register of cooperatives)
    filename          VARCHAR,
    sha256            VARCHAR NOT NULL,
    size_bytes        BIGINT,
    received_at       TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    received_by       VARCHAR,
    rows_total        INTEGER NOT NULL DEFAULT 0,
    rows_accepted     INTEGER NOT NULL DEFAULT 0,
    rows_quarantined  INTEGER NOT NULL DEFAULT 0,
    rows_duplicate    INTEGER NOT NULL DEFAULT 0,
    rows_skipped      INTEGER NOT NULL DEFAULT 0,
    status            VARCHAR NOT NULL,   -- diterima, ditolak
    message           VARCHAR
);
CREATE INDEX IF NOT EXISTS submissions_sha ON ops.submissions (sha256);

-- One row per rejected row (or per problem of a row: a row may have several).
CREATE TABLE IF NOT EXISTS ops.quarantine (
    id             BIGINT PRIMARY KEY DEFAULT nextval('ops.quarantine_id_seq'),
    submission_id  BIGINT NOT NULL,
    filename       VARCHAR,
    sheet          VARCHAR,
    row_number     INTEGER,               -- as Excel numbers the row; for CSV the record number, header = 1
    column_name    VARCHAR NOT NULL DEFAULT '', -- canonical field; '' when the row as a whole is at fault
    column_label   VARCHAR,               -- the header as written in the file
    value          VARCHAR,
    reason         VARCHAR NOT NULL,      -- Bahasa Indonesia
    reason_code    VARCHAR NOT NULL,      -- stable machine code: angka_tidak_terbaca, wajib_kosong, ...
    created_at     TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

-- One row per stage run.
CREATE TABLE IF NOT EXISTS ops.runs (
    id           BIGINT PRIMARY KEY DEFAULT nextval('ops.run_id_seq'),
    job          VARCHAR NOT NULL,
    stage        VARCHAR NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL,
    rows         BIGINT,
    error        VARCHAR
);
