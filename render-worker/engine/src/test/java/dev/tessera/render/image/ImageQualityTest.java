package dev.tessera.render.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** PSNR and SSIM on luma, against values worked out by hand. */
class ImageQualityTest {
  private static RgbImage grey(int w, int h, int level) {
    byte[] rgb = new byte[w * h * 3];
    java.util.Arrays.fill(rgb, (byte) level);
    return new RgbImage(w, h, rgb);
  }

  private static RgbImage noise(int w, int h, long seed) {
    byte[] rgb = new byte[w * h * 3];
    new Random(seed).nextBytes(rgb);
    return new RgbImage(w, h, rgb);
  }

  @Test
  void identicalImagesHaveInfinitePsnrAndSsimOne() {
    RgbImage a = noise(40, 30, 1);
    assertEquals(Double.POSITIVE_INFINITY, ImageQuality.psnr(a, a, 0));
    assertEquals(1.0, ImageQuality.ssim(a, a, 2), 1e-12);
  }

  /**
   * Grey 100 against grey 110: luma differs by 10 × 219/255 everywhere, so PSNR is 20·log10(255 /
   * 8.588…).
   */
  @Test
  void psnrOfAUniformOffset() {
    double diff = 10 * (65.481 + 128.553 + 24.966) / 255.0;
    double expected = 20 * Math.log10(255 / diff);
    assertEquals(expected, ImageQuality.psnr(grey(20, 20, 100), grey(20, 20, 110), 0), 1e-9);
    assertEquals(expected, ImageQuality.psnr(grey(20, 20, 100), grey(20, 20, 110), 4), 1e-9);
  }

  /** Structure lost costs SSIM more than a small brightness shift does. */
  @Test
  void ssimRanksDamage() {
    RgbImage original = noise(48, 48, 2);
    byte[] shifted = original.rgb().clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] = (byte) Math.min(255, (shifted[i] & 0xff) + 3);
    }
    double shift = ImageQuality.ssim(original, new RgbImage(48, 48, shifted), 0);
    double scrambled = ImageQuality.ssim(original, noise(48, 48, 3), 0);
    assertTrue(shift > 0.95, "shift " + shift);
    assertTrue(scrambled < 0.1, "scrambled " + scrambled);
  }

  @Test
  void sizesMustMatchAndLeaveAWindow() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ImageQuality.psnr(grey(10, 10, 0), grey(10, 12, 0), 0));
    assertTrue(e.getMessage().contains("cannot compare a 10x12 image with a 10x10 reference"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ImageQuality.ssim(grey(12, 12, 0), grey(12, 12, 0), 1));
    assertThrows(
        IllegalArgumentException.class, () -> ImageQuality.psnr(grey(8, 8, 0), grey(8, 8, 0), 4));
  }
}
