-- The operator board reads the jobs that ended lately (per minute, failures, stage times): by finish time.
CREATE INDEX jobs_finished_idx ON jobs (finished_at) WHERE finished_at IS NOT NULL;
