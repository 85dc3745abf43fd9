-- API ingest (ingest/pull, ingest/push): per-source pull state, push tokens, idempotency keys.

-- One row per configured pull source. The watermark (the largest `since_field` value of a finished
-- pull) and the position of a pull in progress are written in the same transaction as the page they
-- follow, so a crash can never advance a cursor past rows that were not committed.
CREATE TABLE IF NOT EXISTS ops.pull_state (
    source        VARCHAR PRIMARY KEY,       -- [[sumber]] nama
    watermark     VARCHAR,                   -- value sent as since_param on the next pull; NULL = everything
    run_since     VARCHAR,                   -- since value of the pull in progress
    run_next      VARCHAR,                   -- JSON: where the pull in progress continues; NULL = none in progress
    run_page      INTEGER NOT NULL DEFAULT 0,-- pages committed by the pull in progress
    run_max_seen  VARCHAR,                   -- largest since_field value seen by the pull in progress
    last_ok_at    TIMESTAMPTZ,               -- when a pull last finished
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE IF NOT EXISTS ops.api_token_id_seq START 1;

-- Push API tokens. Only the SHA-256 of a token is kept (tokens are 256-bit random; see ingest/push).
-- scope 'koperasi' may only report for its own nik; scope 'kantor' for any cooperative.
CREATE TABLE IF NOT EXISTS ops.api_tokens (
    id            BIGINT PRIMARY KEY DEFAULT nextval('ops.api_token_id_seq'),
    name          VARCHAR NOT NULL,
    scope         VARCHAR NOT NULL,          -- koperasi, kantor
    nik           VARCHAR,                   -- for scope koperasi
    prefix        VARCHAR NOT NULL,          -- first characters of the token, to recognise it in lists
    token_sha256  VARCHAR NOT NULL UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    created_by    VARCHAR,
    revoked_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ
);

-- Idempotency-Key of push requests: the response given the first time is replayed for a retry with
-- the same key; the same key with another body is refused.
CREATE TABLE IF NOT EXISTS ops.api_idempotency (
    token_id        BIGINT NOT NULL,
    key             VARCHAR NOT NULL,
    request_sha256  VARCHAR NOT NULL,
    submission_id   BIGINT,
    status_code     INTEGER NOT NULL,
    response        VARCHAR NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (token_id, key)
);
