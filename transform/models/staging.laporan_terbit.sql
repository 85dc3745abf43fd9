-- materialized: view
-- depends_on: staging.laporan_kandidat
-- reads: ops.check_runs, ops.check_blocks, ops.load_reviews
-- The rows that may flow into core and the marts: candidates that the latest finished check run
-- judged, minus the loads an error-severity check blocked in that run (unless a reviewer accepted the
-- load). transform.Run evaluates the checks right before this model, so a blocked load leaves the last
-- good state published, and a load that arrived after the latest check run waits for the next one.
WITH run AS (
    SELECT id, max_submission_id FROM ops.check_runs
    WHERE finished_at IS NOT NULL
    ORDER BY id DESC LIMIT 1
)
SELECT k.*
FROM staging.laporan_kandidat k
WHERE k.submission_id <= (SELECT max_submission_id FROM run)
  AND NOT EXISTS (
    SELECT 1 FROM ops.check_blocks b
    WHERE b.submission_id = k.submission_id
      AND b.run_id = (SELECT id FROM run)
      AND NOT EXISTS (SELECT 1 FROM ops.load_reviews r WHERE r.submission_id = b.submission_id AND r.status = 'diterima')
)
