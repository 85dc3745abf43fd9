-- materialized: view
-- depends_on: staging.laporan_kandidat
-- The rows that may flow into core and the marts: candidates minus the loads an error-severity check
-- blocked in the latest check run (unless a reviewer accepted that load). transform.Run evaluates the
-- checks right before this model, so a blocked load leaves the last good state published.
SELECT k.*
FROM staging.laporan_kandidat k
WHERE NOT EXISTS (
    SELECT 1 FROM ops.check_blocks b
    WHERE b.submission_id = k.submission_id
      AND b.run_id = (SELECT max(id) FROM ops.check_runs WHERE finished_at IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM ops.load_reviews r WHERE r.submission_id = b.submission_id AND r.status = 'diterima')
)
