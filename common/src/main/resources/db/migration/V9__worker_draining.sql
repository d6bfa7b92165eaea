-- A worker told to stop (SIGTERM) says DRAINING while it finishes the job under way: the scheduler keeps that job
-- leased to it but no longer counts it as capacity, so nothing new is dispatched for it.
ALTER TABLE workers DROP CONSTRAINT workers_activity_check;
ALTER TABLE workers ADD CONSTRAINT workers_activity_check
    CHECK (activity IN ('IDLE', 'BUSY', 'DRAINING', 'STOPPED'));
