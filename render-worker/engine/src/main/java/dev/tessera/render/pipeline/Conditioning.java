package dev.tessera.render.pipeline;

/**
 * What a UNet's prediction is conditioned on at every step of one render, and how strongly.
 *
 * @param text the prompt's embeddings: two rows (negative, then positive) when {@code guidance} is
 *     enabled, else one
 * @param guidance the classifier-free guidance scale ({@link Guidance#enabled}: above 1)
 */
public record Conditioning(Unet.Context text, double guidance) {}
