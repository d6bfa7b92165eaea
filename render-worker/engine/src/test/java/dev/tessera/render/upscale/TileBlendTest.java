package dev.tessera.render.upscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.render.pipeline.TileGrid;
import org.junit.jupiter.api.Test;

class TileBlendTest {
  @Test
  void gaussianPeaksAtTheCentreAndFallsOffSymmetrically() {
    float[] w = TileBlend.GAUSSIAN.weights(1, 64, 16, true, true, false, false);
    assertEquals(w[31], w[32]);
    for (int x = 0; x < 31; x++) {
      assertTrue(w[x] < w[x + 1] && w[x] > 0, "rising at " + x);
      assertEquals(w[x], w[63 - x], 1e-7f);
    }
    // Mixture of Diffusers' variance of 0.01 in tile units: e^(-12.5)-ish at the edge
    assertTrue(w[0] / w[31] < 1e-5, "edge " + w[0]);
  }

  /**
   * Where two gaussian tiles overlap (64-pixel tiles, 16 overlap), the share of the first falls steadily from all to
   * nothing, over several pixels rather than at one.
   */
  @Test
  void gaussianHandsOverGraduallyAcrossTheOverlap() {
    float[] w = TileBlend.GAUSSIAN.weights(1, 64, 16, true, true, false, false);
    int stride = 48;
    double previous = 1;
    int between = 0;
    for (int x = stride; x < 64; x++) {
      double share = w[x] / (w[x] + w[x - stride]);
      assertTrue(share < previous, "first tile's share falls at " + x);
      between += share > 0.05 && share < 0.95 ? 1 : 0;
      previous = share;
    }
    assertTrue(previous < 1e-3, "the second tile has taken over: " + previous);
    assertTrue(between >= 4, "hand-over over " + between + " pixels");
  }

  @Test
  void linearIsTheDecodersCrossFade() {
    float[] w = TileBlend.LINEAR.weights(3, 64, 16, false, true, true, false);
    for (int x = 0; x < 64; x++) {
      assertEquals(TileGrid.weight(1, 3, 16, false, true) * TileGrid.weight(x, 64, 16, true, false), w[64 + x]);
    }
  }
}
