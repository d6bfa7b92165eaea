package dev.tessera.render.lora;

/**
 * A layer's weight with adapters' deltas added, in the initializer's own layout.
 *
 * @param slot the initializer it replaces
 * @param values the merged values, row-major in {@code slot.dims()}; owned by the holder
 */
public record MergedWeight(WeightSlot slot, float[] values) {}
