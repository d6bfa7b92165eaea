-- Webhooks (the Standard Webhooks spec): a job may name a URL and the events it wants. The scheduler stays the single
-- writer of job state and knows nothing of webhooks: a trigger on jobs enqueues a delivery in the same transaction as
-- the state change that causes it, so no event is lost or sent for a change that rolled back. The gateway's sender
-- delivers the queue (at least once) and records every attempt.

ALTER TABLE jobs
    ADD COLUMN webhook_url    text   CHECK (length(webhook_url) BETWEEN 1 AND 2048),
    ADD COLUMN webhook_events text[] CHECK (cardinality(webhook_events) > 0
                                            AND webhook_events <@ ARRAY['started', 'progress', 'completed']),
    ADD CONSTRAINT jobs_webhook_events_with_url CHECK ((webhook_url IS NULL) = (webhook_events IS NULL));

-- The key every delivery to the tenant is signed with (HMAC-SHA256), shown as whsec_ + base64. Made by the gateway
-- (SecureRandom) when first needed, so no extension (pgcrypto) is needed to make random bytes.
ALTER TABLE tenants ADD COLUMN webhook_secret bytea CHECK (length(webhook_secret) = 32);

CREATE TABLE webhook_deliveries (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),  -- the webhook-id header, kept by retries
    tenant_id       uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    job_id          uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    event           text        NOT NULL CHECK (event IN ('job.started', 'job.progress', 'job.completed')),
    url             text        NOT NULL,                               -- the job's webhook_url when enqueued
    payload         jsonb       NOT NULL,                               -- the event as the trigger built it
    body            bytea,      -- the exact bytes sent, fixed at the first attempt (payload + result_url)
    created_at      timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,                               -- also the lease of an attempt in flight
    attempts        integer     NOT NULL DEFAULT 0,                     -- attempts recorded
    last_status     integer,                                            -- the last attempt's HTTP status, if any
    last_error      text,                                               -- why the last attempt got no answer
    delivered_at    timestamptz,                                        -- a 2xx answer
    given_up_at     timestamptz                                         -- failed for the sender's max age
);

-- Due deliveries, soonest first (the sender's claim).
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND given_up_at IS NULL;
-- A tenant's deliveries newest first, and a job's (GET /v1/webhooks/deliveries).
CREATE INDEX webhook_deliveries_tenant_idx ON webhook_deliveries (tenant_id, created_at, id);
CREATE INDEX webhook_deliveries_job_idx ON webhook_deliveries (job_id, created_at, id);

CREATE TABLE webhook_attempts (
    id          bigserial   PRIMARY KEY,
    delivery_id uuid        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL,
    status      integer,                                                -- the HTTP status; null: no answer
    error       text,                                                   -- why there was no answer, else null
    duration_ms integer     NOT NULL CHECK (duration_ms >= 0),
    CHECK ((status IS NULL) <> (error IS NULL))
);

CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, at);

-- Timestamps as the API writes them: UTC, ISO 8601, whatever the writing session's time zone.
CREATE FUNCTION tessera_iso_utc(at timestamptz) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    AS $$ SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

-- One delivery per wanted event: job.started when the job starts running (again on each attempt), job.progress when
-- a running job reports a new step, job.completed when it ends (SUCCEEDED, FAILED or CANCELED). The body's data is
-- the job as the change left it; the gateway adds result_url to a succeeded job's at the first attempt.
CREATE FUNCTION jobs_enqueue_webhook() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    event text;
    at    timestamptz := clock_timestamp();  -- ordered within a transaction, unlike now()
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND NEW.state = 'RUNNING'
       AND 'started' = ANY (NEW.webhook_events) THEN
        event := 'job.started';
    ELSIF NEW.state IS DISTINCT FROM OLD.state AND NEW.state IN ('SUCCEEDED', 'FAILED', 'CANCELED')
       AND 'completed' = ANY (NEW.webhook_events) THEN
        event := 'job.completed';
    ELSIF NEW.state = 'RUNNING' AND NEW.progress_step IS NOT NULL
       AND NEW.progress_step IS DISTINCT FROM OLD.progress_step
       AND 'progress' = ANY (NEW.webhook_events) THEN
        event := 'job.progress';
    ELSE
        RETURN NULL;
    END IF;
    INSERT INTO webhook_deliveries (tenant_id, job_id, event, url, payload, created_at, next_attempt_at)
    VALUES (NEW.tenant_id, NEW.id, event, NEW.webhook_url,
            jsonb_build_object(
                'type', event,
                'timestamp', tessera_iso_utc(at),
                'data', jsonb_build_object(
                    'id', NEW.id,
                    'state', NEW.state,
                    'progress', CASE WHEN NEW.state = 'RUNNING' AND NEW.progress_step IS NOT NULL
                                     THEN jsonb_build_object('step', NEW.progress_step,
                                                             'total', NEW.progress_total) END,
                    'error', NEW.error,
                    'created_at', tessera_iso_utc(NEW.created_at),
                    'started_at', tessera_iso_utc(NEW.started_at),
                    'finished_at', tessera_iso_utc(NEW.finished_at),
                    'batch_id', NEW.batch_id,
                    'custom_id', NEW.custom_id)),
            at, at);
    RETURN NULL;
END
$$;

-- The WHEN clause keeps jobs without a webhook, and updates that change neither state nor progress, from calling
-- the function at all.
CREATE TRIGGER jobs_webhook AFTER UPDATE ON jobs
    FOR EACH ROW
    WHEN (NEW.webhook_url IS NOT NULL
          AND (OLD.state IS DISTINCT FROM NEW.state OR OLD.progress_step IS DISTINCT FROM NEW.progress_step))
    EXECUTE FUNCTION jobs_enqueue_webhook();
