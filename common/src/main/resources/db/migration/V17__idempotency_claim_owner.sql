-- The gateway that claims an idempotency key names itself: the random key of a session advisory lock it holds for as
-- long as it runs. A claim whose gateway no longer holds that lock (its process died, its session ended) is taken over
-- at once, rather than after the five minutes that bound an unnamed claim.
ALTER TABLE idempotency_keys ADD COLUMN claimed_by bigint;
