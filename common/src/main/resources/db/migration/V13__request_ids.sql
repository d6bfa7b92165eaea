-- The id of the HTTP request that submitted a job (X-Request-Id, or one the gateway made): the scheduler sends it
-- with the job's record, and every service logs it with its lines about the job, so one job's lines can be found
-- across the farm. Jobs from before have none.

ALTER TABLE jobs ADD COLUMN request_id text CHECK (length(request_id) BETWEEN 1 AND 128);
