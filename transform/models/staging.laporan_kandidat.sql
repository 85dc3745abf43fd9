-- materialized: view
-- depends_on: staging.laporan_diterima
-- reads: ops.load_reviews
-- The rows the data-quality checks look at: every accepted load that is not held for review
-- (row count far below the previous load of its source) nor rejected by a reviewer.
SELECT d.*
FROM staging.laporan_diterima d
WHERE NOT EXISTS (
    SELECT 1 FROM ops.load_reviews r
    WHERE r.submission_id = d.submission_id AND r.status IN ('ditahan', 'ditolak')
)
