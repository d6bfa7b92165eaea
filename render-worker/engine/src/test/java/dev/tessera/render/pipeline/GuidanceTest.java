package dev.tessera.render.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GuidanceTest {
  @Test
  void onlyAScaleAboveOneGuides() {
    assertFalse(Guidance.enabled(0));
    assertFalse(Guidance.enabled(1));
    assertTrue(Guidance.enabled(1.01));
  }

  @Test
  void combinesUnconditionalFirstThenConditioned() {
    float[] batch = {1, 2, 3, 5};
    assertArrayEquals(
        new float[] {1 + 7.5f * 2, 2 + 7.5f * 3}, Guidance.combine(batch, 7.5), 1e-6f);
  }
}
