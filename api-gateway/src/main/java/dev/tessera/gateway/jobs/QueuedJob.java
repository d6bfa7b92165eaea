package dev.tessera.gateway.jobs;

import dev.tessera.common.RenderJob;

/**
 * A checked job ready to be stored as QUEUED: what it renders, and its priority, which only the
 * scheduler's choice of the next job reads (it never travels with the job to a worker).
 *
 * @param render what to render, not dispatched yet (attempt 0)
 * @param priority 0 to 100, higher first
 */
public record QueuedJob(RenderJob render, int priority) {}
