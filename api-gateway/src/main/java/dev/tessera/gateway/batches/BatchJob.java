package dev.tessera.gateway.batches;

import dev.tessera.common.RenderJob;

/** A checked job of a batch, ready to store: the client's name for it and what it renders. */
record BatchJob(String customId, RenderJob job) {}
