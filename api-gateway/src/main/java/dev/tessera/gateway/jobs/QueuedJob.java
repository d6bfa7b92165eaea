package dev.tessera.gateway.jobs;

import dev.tessera.common.RenderJob;
import dev.tessera.gateway.webhooks.Webhook;

/**
 * A checked job ready to be stored as QUEUED: what it renders, its priority, which only the
 * scheduler's choice of the next job reads (it never travels with the job to a worker), and its
 * webhook.
 *
 * @param render what to render, not dispatched yet (attempt 0)
 * @param priority 0 to 100, higher first
 * @param webhook where its events are posted; null when nowhere
 */
public record QueuedJob(RenderJob render, int priority, Webhook webhook) {}
