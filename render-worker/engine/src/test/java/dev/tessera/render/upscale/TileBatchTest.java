package dev.tessera.render.upscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.render.pipeline.TileBlend;
import dev.tessera.render.pipeline.Tiling;
import org.junit.jupiter.api.Test;

class TileBatchTest {
  @Test
  void fillsTheBudgetWithinTheTileCountAndTheCap() {
    long item = TileBatch.BYTES_PER_LATENT_PIXEL * 128 * 128;
    assertEquals(2, TileBatch.auto(4 * item, 128, 2, 25));
    assertEquals(4, TileBatch.auto(4 * item, 128, 1, 25));
    assertEquals(1, TileBatch.auto(item / 2, 128, 2, 25));
    assertEquals(3, TileBatch.auto(1L << 40, 128, 2, 3));
    assertEquals(TileBatch.MAX, TileBatch.auto(1L << 40, 128, 2, 100));
    assertEquals(2, TileBatch.auto(TileBatch.DEFAULT_BUDGET, 128, 2, 25));
  }

  @Test
  void aNegativeBatchIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new X4Options(new Tiling(64, 16), TileBlend.GAUSSIAN, new Tiling(64, 16), -1));
  }
}
