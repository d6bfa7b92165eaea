package dev.tessera.render.upscale;

import dev.tessera.render.pipeline.TileGrid;

/**
 * How the x4 upscaler weighs overlapping tiles' model outputs when it blends them at every denoising step.
 */
public enum TileBlend {
  /**
   * Mixture of Diffusers: a gaussian centred on the tile with σ a tenth of the tile side (their variance 0.01 in tile
   * units). Each position follows the tile it is most central in, and hands over smoothly across the overlap.
   */
  GAUSSIAN,
  /** A linear cross-fade over the overlap, the weights of tiled VAE decoding ({@link TileGrid#weight}). */
  LINEAR;

  private static final double SIGMA = 0.1;

  /**
   * Weights {@code [height, width]} of a tile of that size; {@code top} etc. say whether the tile touches that edge
   * of the canvas, where a linear fade must not fade out. Every weight is positive wherever a tile from
   * {@link Tiling} needs it to be, so blended positions never divide by zero.
   */
  float[] weights(int height, int width, int overlap, boolean top, boolean bottom, boolean left, boolean right) {
    float[] ys = new float[height];
    float[] xs = new float[width];
    for (int y = 0; y < height; y++) {
      ys[y] = axis(y, height, overlap, top, bottom);
    }
    for (int x = 0; x < width; x++) {
      xs[x] = axis(x, width, overlap, left, right);
    }
    float[] weights = new float[height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        weights[y * width + x] = ys[y] * xs[x];
      }
    }
    return weights;
  }

  private float axis(int p, int size, int overlap, boolean first, boolean last) {
    if (this == LINEAR) {
      return TileGrid.weight(p, size, overlap, first, last);
    }
    double offset = (p - (size - 1) / 2.0) / size;
    return (float) Math.exp(-offset * offset / (2 * SIGMA * SIGMA));
  }
}
