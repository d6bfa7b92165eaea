package dev.tessera.render.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LanczosTest {
  @Test
  void givesExactlyTheRequestedSize() {
    RgbImage image = SyntheticPhoto.landscape(300, 200, 1);
    for (int[] size : new int[][] {{128, 77}, {200, 300}, {1200, 800}, {300, 200}}) {
      RgbImage resized = Lanczos.resize(image, size[0], size[1]);
      assertEquals(size[0], resized.width());
      assertEquals(size[1], resized.height());
    }
  }

  @Test
  void constantImageStaysConstant() {
    RgbImage flat = filled(97, 61, 200, 100, 30);
    for (int[] size : new int[][] {{40, 25}, {64, 43}, {388, 244}}) {
      byte[] rgb = Lanczos.resize(flat, size[0], size[1]).rgb();
      for (int i = 0; i < rgb.length; i += 3) {
        assertEquals(200, rgb[i] & 0xff);
        assertEquals(100, rgb[i + 1] & 0xff);
        assertEquals(30, rgb[i + 2] & 0xff);
      }
    }
  }

  /** 96 → 64 is 3072 → 2048 in miniature: source pixels do not line up with target pixels. */
  @Test
  void downscaledFineCheckerboardAveragesToGrey() {
    RgbImage board = checkerboard(96, 96);
    for (int size : new int[] {64, 24}) {
      byte[] rgb = Lanczos.resize(board, size, size).rgb();
      long sum = 0;
      for (int i = 0; i < rgb.length; i++) {
        int v = rgb[i] & 0xff;
        // Aliasing would leave black and white patterns (a moiré), not a flat mid-grey.
        assertTrue(Math.abs(v - 127.5) < 16, "byte " + i + " of the " + size + "px image = " + v);
        sum += v;
      }
      assertEquals(127.5, (double) sum / rgb.length, 2);
    }
  }

  @Test
  void upscaledSmoothGradientStaysMonotone() {
    int width = 64;
    byte[] rgb = new byte[width * 16 * 3];
    for (int i = 0; i < width * 16; i++) {
      int v = 32 + (i % width) * 3;
      rgb[i * 3] = (byte) v;
      rgb[i * 3 + 1] = (byte) v;
      rgb[i * 3 + 2] = (byte) v;
    }
    RgbImage up = Lanczos.resize(new RgbImage(width, 16, rgb), 160, 40);
    for (int y = 0; y < 40; y++) {
      int previous = -1;
      for (int x = 0; x < 160; x++) {
        int v = up.rgb()[(y * 160 + x) * 3] & 0xff;
        // Lanczos rings at edges, not inside a smooth ramp; a one-level rounding wobble is allowed.
        assertTrue(
            v >= previous - 1, "row " + y + " dips at x=" + x + ": " + previous + " -> " + v);
        previous = Math.max(previous, v);
      }
      int first = up.rgb()[y * 160 * 3] & 0xff;
      assertTrue(
          Math.abs(first - 32) <= 3 && Math.abs(previous - (32 + 63 * 3)) <= 3,
          "row " + y + " range");
    }
  }

  @Test
  void rejectsEmptySizes() {
    RgbImage image = filled(8, 8, 0, 0, 0);
    assertThrows(IllegalArgumentException.class, () -> Lanczos.resize(image, 0, 8));
    assertThrows(IllegalArgumentException.class, () -> Lanczos.resize(image, 8, -1));
  }

  private static RgbImage filled(int width, int height, int r, int g, int b) {
    byte[] rgb = new byte[width * height * 3];
    for (int i = 0; i < rgb.length; i += 3) {
      rgb[i] = (byte) r;
      rgb[i + 1] = (byte) g;
      rgb[i + 2] = (byte) b;
    }
    return new RgbImage(width, height, rgb);
  }

  private static RgbImage checkerboard(int width, int height) {
    byte[] rgb = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        byte v = (byte) (((x + y) & 1) == 0 ? 0 : 255);
        int i = (y * width + x) * 3;
        rgb[i] = v;
        rgb[i + 1] = v;
        rgb[i + 2] = v;
      }
    }
    return new RgbImage(width, height, rgb);
  }
}
