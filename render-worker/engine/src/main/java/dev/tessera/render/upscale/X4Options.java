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
 */
public record X4Options(Tiling unetTiles, TileBlend blend, Tiling decodeTiles) {
  /**
   * 128-pixel UNet tiles overlapping by 32 with gaussian weights; 128-latent decode tiles
   * overlapping by 32.
   */
  public static X4Options defaults() {
    return new X4Options(new Tiling(128, 32), TileBlend.GAUSSIAN, new Tiling(128, 32));
  }
}
