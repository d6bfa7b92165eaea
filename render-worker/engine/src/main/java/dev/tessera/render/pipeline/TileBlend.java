package dev.tessera.render.pipeline;

/** How a {@link TiledPass} weighs the outputs of overlapping tiles where it blends them. */
public enum TileBlend {
  /**
   * Mixture of Diffusers: a gaussian centred on the tile with σ a tenth of the tile side (their
   * variance 0.01 in tile units). Each position follows the tile it is most central in, and hands
   * over smoothly across the overlap.
   */
  GAUSSIAN,
  /**
   * A linear cross-fade over the overlap, the weights of tiled VAE decoding. The outer quarter of
   * an interior overlap gets weight 0 and is left to the neighbour, because there the tile's output
   * still feels the zero padding at its edge; the fade runs over the middle half.
   */
  LINEAR;

  private static final double SIGMA = 0.1;

  /**
   * Which edges of the canvas a tile touches: a linear fade does not fade out there, having no
   * neighbour.
   */
  public record Edges(boolean top, boolean bottom, boolean left, boolean right) {}

  /**
   * Weights {@code [height, width]} of a tile of that size. Every weight is positive wherever a
   * tile laid out by {@link Tiling} needs it to be, so blended positions never divide by zero.
   */
  float[] weights(int height, int width, int overlap, Edges edges) {
    float[] ys = new float[height];
    float[] xs = new float[width];
    for (int y = 0; y < height; y++) {
      ys[y] = axis(y, height, overlap, edges.top(), edges.bottom());
    }
    for (int x = 0; x < width; x++) {
      xs[x] = axis(x, width, overlap, edges.left(), edges.right());
    }
    float[] weights = new float[height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        weights[y * width + x] = ys[y] * xs[x];
      }
    }
    return weights;
  }

  /**
   * The weight of position {@code p} along one axis of a tile of {@code size}; {@code first} and
   * {@code last} say whether the tile starts or ends that axis of the canvas.
   */
  float axis(int p, int size, int overlap, boolean first, boolean last) {
    if (this == GAUSSIAN) {
      double offset = (p - (size - 1) / 2.0) / size;
      return (float) Math.exp(-offset * offset / (2 * SIGMA * SIGMA));
    }
    if (overlap == 0) {
      return 1f;
    }
    int margin = overlap / 4;
    float ramp = overlap - 2 * margin;
    float w = 1f;
    if (!first) {
      w = Math.min(w, (p - margin + 0.5f) / ramp);
    }
    if (!last) {
      w = Math.min(w, (size - 1 - p - margin + 0.5f) / ramp);
    }
    return Math.max(0f, Math.min(1f, w));
  }
}
