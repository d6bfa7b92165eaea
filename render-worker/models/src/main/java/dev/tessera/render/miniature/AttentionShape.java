package dev.tessera.render.miniature;

/**
 * The widths of a multi-head attention block in {@link NetworkBlocks}.
 *
 * @param dim width of the queries and of the output
 * @param contextDim width of the keys' and values' source; {@code dim} for self-attention
 * @param heads heads that {@code dim} splits into
 */
record AttentionShape(int dim, int contextDim, int heads) {}
