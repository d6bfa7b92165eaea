package dev.tessera.render.upscale;

import dev.tessera.render.pipeline.TileGrid;

/**
 * Square tiles of {@code size} overlapping by at least {@code overlap}, measured in the pixels of the grid they cut:
 * low-res pixels (which are latents) for the x4 upscaler, input pixels for an sr model. Tiles are laid out by
 * {@link TileGrid#starts}: the last tile of an axis ends at its end, and an axis shorter than a tile gets one tile of
 * its own length.
 */
public record Tiling(int size, int overlap) {
  /**
   * @throws IllegalArgumentException when the size is not positive or the overlap is outside [0, size)
   */
  public Tiling {
    if (size <= 0) {
      throw new IllegalArgumentException("tile size must be positive, got " + size);
    }
    if (overlap < 0 || overlap >= size) {
      throw new IllegalArgumentException("tile overlap must be in [0, " + size + "), got " + overlap);
    }
  }

  /** Start offsets of the tiles along an axis of {@code length}. */
  int[] starts(int length) {
    return TileGrid.starts(length, size, overlap);
  }

  /** {@code 1 tile}, {@code 9 tiles}: a tile count for details. */
  static String describe(int tiles) {
    return tiles + (tiles == 1 ? " tile" : " tiles");
  }

  /** How many tiles cover a {@code width × height} grid. */
  public int count(int width, int height) {
    return starts(width).length * starts(height).length;
  }
}
