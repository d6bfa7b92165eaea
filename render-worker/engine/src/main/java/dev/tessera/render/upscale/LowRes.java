package dev.tessera.render.upscale;

import dev.tessera.render.pipeline.PlanarImage;

/**
 * What the x4 UNet sees of the image it upscales, at every step.
 *
 * @param image the low-res image [3, h, w] in [-1, 1], noised to {@code noiseLevel}; the UNet takes
 *     it after the latents
 * @param noiseLevel the low-res schedule's timestep it was noised to, the UNet's {@code
 *     class_labels}
 */
record LowRes(PlanarImage image, int noiseLevel) {}
