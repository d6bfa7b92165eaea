package dev.tessera.render.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TorchNoiseTest {
  /**
   * {@code torch.manual_seed(0); torch.randn(1, 1, 2, 4, 6)} as printed by torch (also in kornia's
   * docstrings).
   */
  private static final float[] SEED0_FIRST_48 = {
    -1.1258f, -1.1524f, -0.2506f, -0.4339f, 0.8487f, 0.6920f, -0.3160f, -2.1152f,
    0.3223f, -1.2633f, 0.3500f, 0.3081f, 0.1198f, 1.2377f, 1.1168f, -0.2473f,
    -1.3527f, -1.6959f, 0.5667f, 0.7935f, 0.5988f, -1.5551f, -0.3414f, 1.8530f,
    0.7502f, -0.5855f, -0.1734f, 0.1835f, 1.3894f, 1.5863f, 0.9463f, -0.8437f,
    -0.6136f, 0.0316f, -0.4927f, 0.2484f, 0.4397f, 0.1124f, 0.6408f, 0.4412f,
    -0.1023f, 0.7924f, -0.2897f, 0.0525f, 0.5229f, 2.3022f, -1.4689f, -1.5867f,
  };

  private static final float PRINTED = 0.5e-4f;

  @Test
  void seedZeroReproducesTorchRandn4x4() {
    float[] expected = Arrays.copyOf(SEED0_FIRST_48, 16);
    assertArrayEquals(expected, new TorchNoise(0).randn(16), PRINTED);
  }

  @Test
  void seedZeroReproducesTorchRandnOf48Elements() {
    assertArrayEquals(SEED0_FIRST_48, new TorchNoise(0).randn(48), PRINTED);
  }

  @Test
  void sizeNotMultipleOf16RecomputesTheTailWindowLikeTorch() {
    // torch.manual_seed(0); torch.randn(17): slot 0 survives from the first block, slots 1..16 are
    // a fresh window
    // drawn from uniforms 17..32, which makes its first cosine half equal to elements 17..23 of the
    // 48 above.
    float[] n17 = new TorchNoise(0).randn(17);
    assertEquals(SEED0_FIRST_48[0], n17[0], PRINTED);
    assertArrayEquals(
        Arrays.copyOfRange(SEED0_FIRST_48, 17, 24), Arrays.copyOfRange(n17, 1, 8), PRINTED);

    // torch.randn(20): slots 0..3 kept, the window 4..19 starts with elements 20..23 of the 48
    // above.
    float[] n20 = new TorchNoise(0).randn(20);
    assertArrayEquals(Arrays.copyOf(SEED0_FIRST_48, 4), Arrays.copyOf(n20, 4), PRINTED);
    assertArrayEquals(
        Arrays.copyOfRange(SEED0_FIRST_48, 20, 24), Arrays.copyOfRange(n20, 4, 8), PRINTED);
  }

  @Test
  void successiveCallsContinueTheSameStream() {
    TorchNoise noise = new TorchNoise(0);
    float[] first = noise.randn(16);
    float[] second = noise.randn(32);
    float[] joined = Arrays.copyOf(first, 48);
    System.arraycopy(second, 0, joined, 16, 32);
    assertArrayEquals(SEED0_FIRST_48, joined, PRINTED);
  }

  @Test
  void sameSeedSameValuesAndDifferentSeedsDiffer() {
    assertArrayEquals(new TorchNoise(42).randn(1000), new TorchNoise(42).randn(1000));
    assertFalse(Arrays.equals(new TorchNoise(42).randn(1000), new TorchNoise(43).randn(1000)));
  }

  @Test
  void onlyTheLow32BitsOfTheSeedMatterAsInTorch() {
    assertArrayEquals(new TorchNoise(0xffffffffL).randn(64), new TorchNoise(-1).randn(64));
    assertArrayEquals(new TorchNoise(7).randn(64), new TorchNoise((1L << 32) + 7).randn(64));
  }

  @Test
  void valuesAreStandardNormal() {
    float[] values = new TorchNoise(1234).randn(100_003);
    double sum = 0;
    double sumSquares = 0;
    for (float v : values) {
      assertTrue(Float.isFinite(v), "non-finite sample");
      sum += v;
      sumSquares += v * v;
    }
    double mean = sum / values.length;
    double variance = sumSquares / values.length - mean * mean;
    assertEquals(0.0, mean, 0.01);
    assertEquals(1.0, variance, 0.02);
  }

  @Test
  void fewerThan16ElementsAreRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new TorchNoise(0).randn(15));
    assertTrue(e.getMessage().contains("15"), e.getMessage());
  }
}
