package dev.tessera.render.pipeline;

/**
 * Square tiles of {@code size} overlapping by at least {@code overlap}, measured in the pixels of
 * the grid they cut: latents for the VAE decoders and the x4 upscaler's UNet, input pixels for an
 * sr model. The last tile of an axis ends at its end, and an axis no longer than a tile gets one
 * tile of its own length.
 */
public record Tiling(int size, int overlap) {
  /**
   * @throws IllegalArgumentException when the size is not positive or the overlap is outside [0,
   *     size)
   */
  public Tiling {
    if (size <= 0) {
      throw new IllegalArgumentException("tile size must be positive, got " + size);
    }
    if (overlap < 0 || overlap >= size) {
      throw new IllegalArgumentException(
          "tile overlap must be in [0, " + size + "), got " + overlap);
    }
  }

  /**
   * Start offsets of the tiles along an axis of {@code length}; neighbours overlap by at least
   * {@code overlap}.
   */
  public int[] starts(int length) {
    if (length <= size) {
      return new int[] {0};
    }
    int stride = size - overlap;
    int count = (int) Math.ceil((double) (length - size) / stride) + 1;
    int[] starts = new int[count];
    for (int i = 0; i < count; i++) {
      starts[i] = Math.min(i * stride, length - size);
    }
    return starts;
  }

  /** How many tiles cover a {@code width × height} grid. */
  public int count(int width, int height) {
    return starts(width).length * starts(height).length;
  }

  /** {@code 1 tile}, {@code 9 tiles}: a tile count for details and timings. */
  public static String describe(int tiles) {
    return tiles + (tiles == 1 ? " tile" : " tiles");
  }
}
