package dev.tessera.render.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AreaDownscaleTest {
  /** Each output pixel is the rounded mean of its block, per channel. */
  @Test
  void averagesBlocks() {
    byte[] rgb = new byte[4 * 2 * 3];
    int[] reds = {0, 10, 20, 31, 2, 4, 60, 70};
    for (int i = 0; i < reds.length; i++) {
      rgb[i * 3] = (byte) reds[i];
      rgb[i * 3 + 1] = (byte) 200;
      rgb[i * 3 + 2] = (byte) (i % 2 == 0 ? 255 : 0);
    }
    RgbImage small = AreaDownscale.by(new RgbImage(4, 2, rgb), 2);
    assertEquals(2, small.width());
    assertEquals(1, small.height());
    // (0+10+2+4)/4 = 4; (20+31+60+70)/4 = 45.25; blue (255+0+255+0)/4 = 127.5 rounds up.
    assertArrayEquals(
        new byte[] {4, (byte) 200, (byte) 128, 45, (byte) 200, (byte) 128}, small.rgb());
  }

  @Test
  void cropsToAMultipleAndRejectsBadFactors() {
    RgbImage image = new RgbImage(10, 7, new byte[10 * 7 * 3]);
    RgbImage cropped = AreaDownscale.cropToMultiple(image, 4);
    assertEquals(8, cropped.width());
    assertEquals(4, cropped.height());
    assertThrows(IllegalArgumentException.class, () -> AreaDownscale.by(image, 0));
    assertThrows(IllegalArgumentException.class, () -> AreaDownscale.by(image, 8));
    assertThrows(IllegalArgumentException.class, () -> AreaDownscale.crop(image, 5, 0, 6, 2));
  }
}
