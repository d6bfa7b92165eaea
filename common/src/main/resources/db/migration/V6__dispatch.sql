-- The scheduler dispatches: jobs wait here (QUEUED) until the scheduler sends them to their model's Kafka queue
-- (DISPATCHED), a few per live worker at a time, choosing by priority, the tenants' fair share and age.

ALTER TABLE jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_state_check
    CHECK (state IN ('QUEUED', 'DISPATCHED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED'));

-- 0-100, higher goes first; a waiting job climbs a point per aging step (see the scheduler's DispatchPolicy).
ALTER TABLE jobs ADD COLUMN priority smallint NOT NULL DEFAULT 50 CHECK (priority BETWEEN 0 AND 100);

-- A model's waiting jobs (admission), and the dispatched or running ones (bounds, leases).
CREATE INDEX jobs_queued_model_idx ON jobs (model, created_at) WHERE state = 'QUEUED';
CREATE INDEX jobs_in_flight_idx ON jobs (model, state, tenant_id) WHERE state IN ('DISPATCHED', 'RUNNING');

-- Jobs no longer travel through the outbox: the relay would send these again beside the scheduler's dispatch.
DELETE FROM outbox WHERE sent_at IS NULL AND topic LIKE 'render.jobs.%';

-- Sent rows are deleted once older than the relay's retention; this finds them.
CREATE INDEX outbox_sent_idx ON outbox (sent_at) WHERE sent_at IS NOT NULL;

-- The worker registry: the latest heartbeat of each worker (render.workers), written by the scheduler.
CREATE TABLE workers (
    id         text        PRIMARY KEY,
    models     text[]      NOT NULL,
    activity   text        NOT NULL CHECK (activity IN ('IDLE', 'BUSY', 'STOPPED')),
    job_id     uuid,                                -- the job it renders while BUSY
    first_seen timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL                 -- the latest heartbeat's time; older than the lease: lost
);

-- Operators may read farm-wide views (GET /v1/workers); other tenants see only their own jobs.
ALTER TABLE tenants ADD COLUMN operator boolean NOT NULL DEFAULT false;
