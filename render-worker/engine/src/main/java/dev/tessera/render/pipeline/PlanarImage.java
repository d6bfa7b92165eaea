package dev.tessera.render.pipeline;

/**
 * Planar floats {@code [channels, height, width]}: latents, or an image's pixels. Wraps its array
 * without copying, so the tiled passes can cut tiles from one and refill one tile buffer without
 * allocating per tile.
 */
public record PlanarImage(float[] values, int channels, int height, int width) {
  /**
   * @throws IllegalArgumentException when the array does not hold channels × height × width values
   */
  public PlanarImage {
    if (values.length != channels * height * width) {
      throw new IllegalArgumentException(
          "expected "
              + channels
              + "x"
              + height
              + "x"
              + width
              + " = "
              + channels * height * width
              + " values, got "
              + values.length);
    }
  }

  /** The same shape over {@code other} values. */
  public PlanarImage withValues(float[] other) {
    return new PlanarImage(other, channels, height, width);
  }

  /**
   * This image's channels followed by {@code below}'s, which has the same height and width, in a
   * new array.
   */
  public PlanarImage stack(PlanarImage below) {
    if (below.height != height || below.width != width) {
      throw new IllegalArgumentException(
          "cannot stack a "
              + below.width
              + "x"
              + below.height
              + " image under a "
              + width
              + "x"
              + height
              + " one");
    }
    float[] stacked = new float[values.length + below.values.length];
    System.arraycopy(values, 0, stacked, 0, values.length);
    System.arraycopy(below.values, 0, stacked, values.length, below.values.length);
    return new PlanarImage(stacked, channels + below.channels, height, width);
  }

  /**
   * Copies the region at ({@code y}, {@code x}) the size of {@code tile}, every channel, into
   * {@code tile}.
   */
  void copyRegion(int y, int x, PlanarImage tile) {
    for (int c = 0; c < channels; c++) {
      for (int row = 0; row < tile.height; row++) {
        System.arraycopy(
            values,
            (c * height + y + row) * width + x,
            tile.values,
            (c * tile.height + row) * tile.width,
            tile.width);
      }
    }
  }
}
