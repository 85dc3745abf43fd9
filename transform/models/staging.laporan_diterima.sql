-- materialized: view
-- reads: raw.laporan, ops.submissions
-- Every accepted row of every loaded submission, with when it arrived. Superseded rows stay here.
SELECT l.*, s.received_at, s.source, s.filename, s.kind
FROM raw.laporan l
JOIN ops.submissions s ON s.id = l.submission_id
WHERE s.status = 'diterima'
