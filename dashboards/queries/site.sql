-- Queries of the whole site: the catalogue and the "data per" stamp.
-- Format (see ../README.md): each query starts at a `-- name: x` line and runs to the next one;
-- `{{x}}` includes the query x (a fragment) where it stands. Values are bound ($name), never formatted in.

-- name: katalog
-- Every table and view with its columns: pages look a table up here before reading it.
SELECT table_schema || '.' || table_name, column_name FROM information_schema.columns

-- name: proses_terakhir
-- The last successful run of a stage that changes data (ops.runs; publish itself excluded).
SELECT id, job, stage, coalesce(finished_at, started_at) FROM ops.runs
WHERE status = 'succeeded' AND stage <> 'publish'
ORDER BY coalesce(finished_at, started_at) DESC, id DESC LIMIT 1
