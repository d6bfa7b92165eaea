package dev.tessera.gateway.batches;

import dev.tessera.gateway.jobs.QueuedJob;

/**
 * A checked job of a batch, ready to store: the client's name for it, what it renders and its
 * priority.
 */
record BatchJob(String customId, QueuedJob job) {}
