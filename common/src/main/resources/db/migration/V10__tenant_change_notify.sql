-- Key and tenant changes, announced: the gateway keeps each API key's tenant in memory and forgets them all when
-- this channel speaks, so a revoked key, or a tenant's new limits, take effect at once on every gateway. The
-- payload is empty: such changes are rare, and forgetting everything is cheap. New keys need no announcement
-- (a key the gateway does not know is always looked up).

CREATE FUNCTION notify_tenants_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tessera_tenants_changed', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_changed AFTER UPDATE OR DELETE OR TRUNCATE ON api_keys FOR EACH STATEMENT
    EXECUTE FUNCTION notify_tenants_changed();

CREATE TRIGGER tenants_changed AFTER UPDATE OR DELETE OR TRUNCATE ON tenants FOR EACH STATEMENT
    EXECUTE FUNCTION notify_tenants_changed();
