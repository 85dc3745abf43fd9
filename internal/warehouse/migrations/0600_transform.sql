-- transform (issue #5): data-quality history, load holds, and settings the SQL models read.
CREATE SEQUENCE IF NOT EXISTS ops.check_run_id_seq START 1;

-- One row per transform run that evaluated the checks.
CREATE TABLE IF NOT EXISTS ops.check_runs (
    id             BIGINT PRIMARY KEY DEFAULT nextval('ops.check_run_id_seq'),
    started_at     TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    finished_at    TIMESTAMPTZ,
    checks         INTEGER,
    checks_failed  INTEGER,
    loads_blocked  INTEGER
);

-- Every result of every check of every run: one summary row per check (nik and tahun_buku NULL,
-- status pass|warn|error) and one row per failing cooperative × tahun buku. Appended, never dropped.
CREATE TABLE IF NOT EXISTS ops.check_results (
    run_id         BIGINT NOT NULL,
    check_name     VARCHAR NOT NULL,
    check_type     VARCHAR NOT NULL,
    severity       VARCHAR NOT NULL,           -- warn, error
    nik            VARCHAR,
    tahun_buku     INTEGER,
    submission_id  BIGINT,
    level          VARCHAR NOT NULL,           -- check (the summary row) or row (one failing cooperative × tahun buku of a load)
    status         VARCHAR NOT NULL,           -- pass, warn, error
    failing_count  BIGINT NOT NULL,
    sample         VARCHAR,                    -- the failing values (JSON text)
    checked_at     TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

-- Loads (submissions) kept out of the marts by an error-severity check in a run. Appended per run;
-- the latest run decides (a fixed check file releases the load on the next run).
CREATE TABLE IF NOT EXISTS ops.check_blocks (
    run_id         BIGINT NOT NULL,
    submission_id  BIGINT NOT NULL,
    check_name     VARCHAR NOT NULL,
    failing_count  BIGINT NOT NULL,
    message        VARCHAR NOT NULL            -- Bahasa Indonesia, for staff
);

-- Loads held for review (row count far below the previous load of the same source) and the review
-- decision. A review decision also overrides a check block for that load.
CREATE TABLE IF NOT EXISTS ops.load_reviews (
    submission_id  BIGINT PRIMARY KEY,
    source_key     VARCHAR NOT NULL,
    rows_load      BIGINT,
    previous_id    BIGINT,
    rows_previous  BIGINT,
    reason         VARCHAR NOT NULL,           -- jumlah_baris_turun, cek_error
    message        VARCHAR NOT NULL,
    status         VARCHAR NOT NULL,           -- ditahan, diterima, ditolak
    created_at     TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    decided_at     TIMESTAMPTZ,
    decided_by     VARCHAR,
    note           VARCHAR
);

-- Settings the SQL models read (written by transform.Run before the models, values bound).
CREATE TABLE IF NOT EXISTS ops.transform_settings (
    name   VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);
