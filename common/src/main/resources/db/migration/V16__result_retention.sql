-- A succeeded job's result (its PNG and the images the gateway derived from it) is deleted once
-- TESSERA_RESULTS_RETENTION has passed since the job finished. The job stays, SUCCEEDED, with the time its result went.
ALTER TABLE jobs
    ADD COLUMN result_deleted_at timestamptz,
    ADD CONSTRAINT jobs_result_deleted_only_when_succeeded CHECK (result_deleted_at IS NULL OR state = 'SUCCEEDED');

-- The results still kept, oldest first (the gateway's retention sweep).
CREATE INDEX jobs_results_kept_idx ON jobs (finished_at) WHERE state = 'SUCCEEDED' AND result_deleted_at IS NULL;
