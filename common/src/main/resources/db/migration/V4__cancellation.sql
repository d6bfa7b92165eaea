-- Cancellation requests. The gateway writes one row per job the first time its owner asks to cancel it, in the same
-- transaction as the outbox row that carries the request to render.control; a repeated request finds the row and
-- writes nothing. The job's state stays the scheduler's to write (QUEUED/RUNNING -> CANCELED, guarded as always).

CREATE TABLE job_cancellations (
    job_id       uuid        PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    requested_at timestamptz NOT NULL
);
