-- Tenants and their API keys. Every /v1 request names its tenant with a key; a tenant sees only its own jobs.
-- Keys are random (256 bits), shown once at creation, and stored only as their SHA-256 (a key of that entropy
-- needs no slow hash); the prefix lets an operator name a key without holding it.

CREATE TABLE tenants (
    id              uuid             PRIMARY KEY,
    name            text             NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    weight          integer          NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 1000),     -- share of the farm
    max_queued      integer          NOT NULL DEFAULT 10000 CHECK (max_queued > 0),          -- jobs waiting at once
    rate_per_second double precision NOT NULL DEFAULT 20 CHECK (rate_per_second > 0),        -- API requests
    created_at      timestamptz      NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    key_hash   bytea       PRIMARY KEY CHECK (length(key_hash) = 32),  -- SHA-256 of the whole key
    tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    prefix     text        NOT NULL UNIQUE,                           -- the key's first characters, for operators
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id);

-- Jobs from before tenants existed have none, and no key sees them.
ALTER TABLE jobs ADD COLUMN tenant_id uuid REFERENCES tenants (id);

-- A tenant's jobs by state (quotas count its queued jobs; listings page through them).
CREATE INDEX jobs_tenant_state_idx ON jobs (tenant_id, state, created_at, id);
