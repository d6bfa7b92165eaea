package dev.tessera.render.pipeline;

/**
 * One render of a batch ({@link Renderer#renderBatch}): its request, who hears its steps, and its
 * own cancel token, which drops it from the batch without stopping the others.
 */
public record BatchItem(RenderRequest request, RenderListener listener, CancelToken cancel) {}
