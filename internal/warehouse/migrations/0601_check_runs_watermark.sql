-- transform (issue #5): the highest submission id a check run looked at. staging.laporan_terbit only
-- publishes loads a finished check run has judged, so `pantau transform --select core.laporan+` (which
-- skips the checks) can never let an unchecked load into the marts.
ALTER TABLE ops.check_runs ADD COLUMN IF NOT EXISTS max_submission_id BIGINT;
