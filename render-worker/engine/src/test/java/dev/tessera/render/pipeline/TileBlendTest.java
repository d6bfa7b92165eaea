package dev.tessera.render.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TileBlendTest {
  private static final TileBlend.Edges TOP_AND_BOTTOM =
      new TileBlend.Edges(true, true, false, false);

  @Test
  void gaussianPeaksAtTheCentreAndFallsOffSymmetrically() {
    float[] w = TileBlend.GAUSSIAN.weights(1, 64, 16, TOP_AND_BOTTOM);
    assertEquals(w[31], w[32]);
    for (int x = 0; x < 31; x++) {
      assertTrue(w[x] < w[x + 1] && w[x] > 0, "rising at " + x);
      assertEquals(w[x], w[63 - x], 1e-7f);
    }
    // Mixture of Diffusers' variance of 0.01 in tile units: e^(-12.5)-ish at the edge
    assertTrue(w[0] / w[31] < 1e-5, "edge " + w[0]);
  }

  /**
   * Where two gaussian tiles overlap (64-pixel tiles, 16 overlap), the share of the first falls
   * steadily from all to nothing, over several pixels rather than at one.
   */
  @Test
  void gaussianHandsOverGraduallyAcrossTheOverlap() {
    float[] w = TileBlend.GAUSSIAN.weights(1, 64, 16, TOP_AND_BOTTOM);
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
  void linearWeightsFadeOverTheMiddleOfTheOverlap() {
    TileBlend linear = TileBlend.LINEAR;
    assertEquals(1f, linear.axis(0, 64, 16, true, false));
    assertEquals(0f, linear.axis(3, 64, 16, false, false));
    assertEquals(1f, linear.axis(12, 64, 16, false, false));
    assertEquals(0f, linear.axis(63, 64, 16, false, false));
    assertEquals(1f, linear.axis(63, 64, 16, false, true));
    float rising = linear.axis(7, 64, 16, false, false);
    assertTrue(rising > 0 && rising < 1);
  }

  /**
   * A tile's weights are its axes' weights multiplied, each axis faded only where it does not touch
   * the edge.
   */
  @Test
  void tileWeightsAreTheProductOfTheAxisWeights() {
    float[] w = TileBlend.LINEAR.weights(3, 64, 16, new TileBlend.Edges(false, true, true, false));
    for (int x = 0; x < 64; x++) {
      assertEquals(
          TileBlend.LINEAR.axis(1, 3, 16, false, true)
              * TileBlend.LINEAR.axis(x, 64, 16, true, false),
          w[64 + x]);
    }
  }
}
