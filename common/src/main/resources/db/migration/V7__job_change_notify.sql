-- Job changes, announced: the gateway LISTENs on tessera_job_changed (one connection per gateway) and wakes the
-- clients waiting on a job or a batch (long polls, event streams) instead of having each of them query.
-- The payload is "<job id>,<batch id or empty>,<kind>" (about 80 bytes), kind being:
--   state     the state or the version changed (the scheduler's guarded, versioned moves);
--   progress  only progress_step or progress_total moved (the scheduler's progress writes keep the version);
--   cancel    the owner asked to cancel the job (the state follows later, as a state change).
-- A notification is delivered when its transaction commits; the server folds identical ones within a transaction.

CREATE FUNCTION notify_job_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tessera_job_changed',
        NEW.id::text || ',' || coalesce(NEW.batch_id::text, '') || ','
        || CASE WHEN NEW.state IS DISTINCT FROM OLD.state OR NEW.version IS DISTINCT FROM OLD.version
                THEN 'state' ELSE 'progress' END);
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_changed AFTER UPDATE ON jobs FOR EACH ROW
    WHEN (NEW.state IS DISTINCT FROM OLD.state
          OR NEW.version IS DISTINCT FROM OLD.version
          OR NEW.progress_step IS DISTINCT FROM OLD.progress_step
          OR NEW.progress_total IS DISTINCT FROM OLD.progress_total)
    EXECUTE FUNCTION notify_job_changed();

-- A cancel request shows in the job's status (cancel_requested_at) before its state moves; no batch id, since
-- a batch's status counts states only.
CREATE FUNCTION notify_job_cancel_requested() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tessera_job_changed', NEW.job_id::text || ',,cancel');
    RETURN NULL;
END
$$;

CREATE TRIGGER job_cancellations_requested AFTER INSERT ON job_cancellations FOR EACH ROW
    EXECUTE FUNCTION notify_job_cancel_requested();
