package dev.tessera.render.upscale;

import dev.tessera.render.image.RgbImage;

/**
 * An upscaled image at its target size.
 *
 * @param tiles model evaluations per pass (tiles per denoising step for x4); 0 for lanczos
 * @param detail what ran, for the {@code upscale} timing, e.g. {@code x4, 25 tiles, 20 steps,
 *     decoded in 25 tiles}
 * @param parameters the upscale's settings as {@code key: value} pairs for a PNG's {@code
 *     parameters} text
 */
public record Upscaled(RgbImage image, int tiles, String detail, String parameters) {}
