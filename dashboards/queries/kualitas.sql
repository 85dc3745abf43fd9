-- The Kualitas Data page (internal build only). It reads ingest's and the gate's operational tables,
-- not a mart: ops.submissions (files and API batches), ops.quarantine (rejected rows, counted by
-- reason and column; the rejected values themselves are never read) and ops.check_results.

-- name: kualitas_kiriman
SELECT count(*), coalesce(sum(rows_accepted), 0)::BIGINT, coalesce(sum(rows_quarantined), 0)::BIGINT FROM ops.submissions

-- name: kualitas_karantina
-- Problems, and distinct rows with a problem.
SELECT count(*), count(DISTINCT (submission_id, sheet, row_number)) FROM ops.quarantine

-- name: kualitas_karantina_bulan
SELECT strftime(created_at::TIMESTAMP, '%Y-%m'), reason_code, count(*) FROM ops.quarantine GROUP BY 1, 2 ORDER BY 1, 2

-- name: kualitas_masalah
-- The most common problems: reason × column.
SELECT reason_code, coalesce(nullif(column_label, ''), nullif(column_name, ''), '(seluruh baris)'), count(*)
FROM ops.quarantine GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 50

-- name: kualitas_kiriman_bulan
SELECT strftime(received_at::TIMESTAMP, '%Y-%m'), count(*), sum(rows_accepted)::BIGINT, sum(rows_quarantined)::BIGINT
FROM ops.submissions GROUP BY 1 ORDER BY 1

-- name: kualitas_cek_tren
-- Per check run (the last 30): checks passed, warned, failed, failing rows.
SELECT run_id, count(*) FILTER (WHERE status = 'pass'), count(*) FILTER (WHERE status = 'warn'),
    count(*) FILTER (WHERE status = 'error'), coalesce(sum(failing_count), 0)::BIGINT
FROM ops.check_results WHERE level = 'check' GROUP BY 1 ORDER BY 1 DESC LIMIT 30

-- name: kualitas_cek_terakhir
SELECT check_name, check_type, severity, status, failing_count FROM ops.check_results
WHERE level = 'check' AND run_id = (SELECT max(run_id) FROM ops.check_results)
ORDER BY status = 'pass', failing_count DESC, check_name
