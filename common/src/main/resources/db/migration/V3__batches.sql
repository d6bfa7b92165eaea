-- Batches: many jobs submitted in one request (POST /v1/batches), each named by the client's custom_id.
-- A batch's state and counts are derived from its jobs' states (the scheduler stays the single writer of job
-- state), so the batch row holds only what never changes.

CREATE TABLE batches (
    id         uuid        PRIMARY KEY,
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    job_count  integer     NOT NULL CHECK (job_count > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX batches_tenant_created_idx ON batches (tenant_id, created_at);

-- A job submitted alone has neither.
ALTER TABLE jobs
    ADD COLUMN batch_id  uuid REFERENCES batches (id),
    ADD COLUMN custom_id text CHECK (length(custom_id) BETWEEN 1 AND 64),
    ADD CONSTRAINT jobs_custom_id_in_batch CHECK ((batch_id IS NULL) = (custom_id IS NULL));

-- One job per custom_id in a batch; the results stream reads a batch in custom_id order through it.
CREATE UNIQUE INDEX jobs_batch_custom_idx ON jobs (batch_id, custom_id) WHERE batch_id IS NOT NULL;

-- A batch's counts per state, and its jobs in one state newest first (listing with batch and state).
CREATE INDEX jobs_batch_state_idx ON jobs (batch_id, state, created_at, id) WHERE batch_id IS NOT NULL;

-- A batch's jobs newest first (listing with batch).
CREATE INDEX jobs_batch_created_idx ON jobs (batch_id, created_at, id) WHERE batch_id IS NOT NULL;

-- A tenant's jobs newest first (listing without a state; with one, jobs_tenant_state_idx serves).
CREATE INDEX jobs_tenant_created_idx ON jobs (tenant_id, created_at, id);
