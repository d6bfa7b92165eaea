-- Ended webhook deliveries (delivered or given up) are deleted once TESSERA_WEBHOOKS_RETENTION has passed since they
-- ended; this index finds them without reading the deliveries still being tried or the whole table.
CREATE INDEX webhook_deliveries_ended_idx ON webhook_deliveries ((coalesce(delivered_at, given_up_at)))
    WHERE delivered_at IS NOT NULL OR given_up_at IS NOT NULL;
