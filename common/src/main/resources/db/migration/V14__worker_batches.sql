-- A worker that renders several jobs in one batch names all of them in its heartbeats (job_id stays the first), so
-- the scheduler keeps every one of them leased to it, not only the first.
ALTER TABLE workers ADD COLUMN job_ids uuid[] NOT NULL DEFAULT '{}';
UPDATE workers SET job_ids = ARRAY[job_id] WHERE job_id IS NOT NULL;
