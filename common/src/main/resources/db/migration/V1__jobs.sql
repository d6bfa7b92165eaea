-- Jobs, their stage timings, and the gateway's transactional outbox.
-- The scheduler is the single writer of a job's state and lifecycle columns; every such write is guarded:
-- UPDATE jobs ... WHERE id = ? AND state = ? AND version = ?, and it bumps version.

CREATE TABLE jobs (
    id             uuid PRIMARY KEY,
    model          text             NOT NULL,
    settings       jsonb            NOT NULL,            -- RenderSettings as common's Json writes it
    upscale        text             NOT NULL,            -- x4 | sr | lanczos | none
    target_size    integer          NOT NULL CHECK (target_size > 0),
    state          text             NOT NULL DEFAULT 'QUEUED'
                   CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED')),
    version        bigint           NOT NULL DEFAULT 0,
    attempt        integer          NOT NULL DEFAULT 0,  -- highest delivery seen by the scheduler; 0: none yet
    worker_id      text,
    progress_step  integer,
    progress_total integer,
    error          text,                                 -- last failure's reason, kept when a retry requeues
    object_key     text,                                 -- where the result image is, once SUCCEEDED
    created_at     timestamptz      NOT NULL DEFAULT now(),
    updated_at     timestamptz      NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz
);

-- Polling by state, oldest first (queue depth, leases of running jobs, admission).
CREATE INDEX jobs_state_created_idx ON jobs (state, created_at);

CREATE TABLE job_timings (
    job_id   uuid             NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    position integer          NOT NULL,                  -- order in which the stages ran, from 0
    stage    text             NOT NULL,
    millis   double precision NOT NULL,
    detail   text             NOT NULL DEFAULT '',
    PRIMARY KEY (job_id, position)
);

-- Written in the same transaction as the row it announces; a relay sends unsent rows in id order and stamps sent_at.
CREATE TABLE outbox (
    id         bigserial PRIMARY KEY,
    topic      text        NOT NULL,
    key        text,
    payload    bytea       NOT NULL,                     -- the Kafka record value, exactly as sent
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz
);

CREATE INDEX outbox_unsent_idx ON outbox (id) WHERE sent_at IS NULL;
