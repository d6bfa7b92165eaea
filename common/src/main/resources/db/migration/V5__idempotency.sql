-- Idempotency keys of POST /v1/jobs and POST /v1/batches (draft-ietf-httpapi-idempotency-key-header), per tenant,
-- kept 24 hours. A row is claimed (status NULL: in flight) before the request runs, and completed with the answer
-- in the same transaction that writes the request's jobs, so a replay answers exactly what the first request did.

CREATE TABLE idempotency_keys (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key          text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    fingerprint  bytea       NOT NULL,   -- SHA-256 of the method, the path and the request as parsed
    status       integer,                -- the answer's status; NULL while the first request is in flight
    location     text,                   -- the answer's Location header, if any
    body         bytea,                  -- the answer's JSON body
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);

CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
