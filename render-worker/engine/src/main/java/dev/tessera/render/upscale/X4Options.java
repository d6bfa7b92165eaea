package dev.tessera.render.upscale;

import dev.tessera.render.pipeline.TileBlend;
import dev.tessera.render.pipeline.Tiling;

/**
 * How an {@link X4Upscaler} tiles its work. Both tilings are in low-res pixels, which are the
 * latents' pixels.
 *
 * @param unetTiles tiles the UNet sees at every step (one tile of 128 low-res pixels becomes 512
 *     output pixels)
 * @param blend how overlapping UNet outputs are weighed
 * @param decodeTiles tiles the ×4 VAE decoder sees; their outputs are cross-faded linearly
 * @param tileBatch UNet tiles per call (each with both guidance halves), or {@link #AUTO} to choose
 *     from {@link TileBatch#DEFAULT_BUDGET}; 1 where the export's batch is fixed
 */
public record X4Options(Tiling unetTiles, TileBlend blend, Tiling decodeTiles, int tileBatch) {
  /** Chooses the tile batch from a memory budget ({@link TileBatch#auto}). */
  public static final int AUTO = 0;

  /**
   * @throws IllegalArgumentException when {@code tileBatch} is negative
   */
  public X4Options {
    if (tileBatch < 0) {
      throw new IllegalArgumentException(
          "tile batch must be at least 1 (or 0 for automatic), got " + tileBatch);
    }
  }

  /** Options with an automatic tile batch. */
  public X4Options(Tiling unetTiles, TileBlend blend, Tiling decodeTiles) {
    this(unetTiles, blend, decodeTiles, AUTO);
  }

  /**
   * 128-pixel UNet tiles overlapping by 32 with gaussian weights; 128-latent decode tiles
   * overlapping by 32; the tile batch chosen automatically.
   */
  public static X4Options defaults() {
    return new X4Options(new Tiling(128, 32), TileBlend.GAUSSIAN, new Tiling(128, 32));
  }

  /** The same options with another tile batch. */
  public X4Options withTileBatch(int batch) {
    return new X4Options(unetTiles, blend, decodeTiles, batch);
  }
}
