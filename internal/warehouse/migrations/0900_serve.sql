-- serve (issue #8): people who log in, their sessions, and the scheduler's persisted job state.
CREATE SEQUENCE IF NOT EXISTS ops.job_run_id_seq START 1;

-- People who log in to `pantau serve`. Passwords are bcrypt hashes, never the password itself.
CREATE TABLE IF NOT EXISTS ops.users (
    username       VARCHAR PRIMARY KEY,          -- lower case
    nama           VARCHAR NOT NULL,
    role           VARCHAR NOT NULL,             -- petugas, analis, pejabat, admin
    password_hash  VARCHAR NOT NULL,
    disabled       BOOLEAN NOT NULL DEFAULT false,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    last_login_at  TIMESTAMPTZ
);

-- Server-side sessions. The cookie carries a random token; only its SHA-256 is stored, so a copy of
-- the warehouse file does not hand out live logins. csrf_token is the synchronizer token of the session.
CREATE TABLE IF NOT EXISTS ops.sessions (
    token_sha256  VARCHAR PRIMARY KEY,
    username      VARCHAR NOT NULL,
    csrf_token    VARCHAR NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);

-- The scheduler's memory: the last run of each job survives restarts, for the missed-run policy.
CREATE TABLE IF NOT EXISTS ops.job_state (
    job               VARCHAR PRIMARY KEY,
    last_started_at   TIMESTAMPTZ,
    last_finished_at  TIMESTAMPTZ,
    last_status       VARCHAR,
    last_error        VARCHAR
);

-- One row per job run (a scheduled tick, a made-up missed run, a manual run) and per skip. The stage
-- runs of a job run are the ops.runs rows with the same job name between started_at and finished_at
-- (jobs never overlap: the scheduler holds one writer lock for all of them).
CREATE TABLE IF NOT EXISTS ops.job_runs (
    id             BIGINT PRIMARY KEY DEFAULT nextval('ops.job_run_id_seq'),
    job            VARCHAR NOT NULL,
    trigger        VARCHAR NOT NULL,             -- jadwal, susulan, manual
    scheduled_for  TIMESTAMPTZ,
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    status         VARCHAR NOT NULL,             -- running, succeeded, failed, skipped, cancelled
    attempts       INTEGER NOT NULL DEFAULT 0,
    message        VARCHAR
);
