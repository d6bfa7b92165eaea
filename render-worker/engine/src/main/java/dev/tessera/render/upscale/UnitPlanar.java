package dev.tessera.render.upscale;

import dev.tessera.render.image.RgbImage;

/** Converts between 8-bit RGB and planar {@code [3, height, width]} floats in [0, 1], the range of ESRGAN models. */
final class UnitPlanar {
  private UnitPlanar() {}

  static float[] of(RgbImage image) {
    int plane = image.width() * image.height();
    byte[] rgb = image.rgb();
    float[] chw = new float[3 * plane];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < plane; i++) {
        chw[c * plane + i] = (rgb[i * 3 + c] & 0xff) / 255f;
      }
    }
    return chw;
  }

  /** Clamps to [0, 1] and rounds to 8 bits. */
  static RgbImage toImage(float[] chw, int width, int height) {
    int plane = width * height;
    byte[] rgb = new byte[3 * plane];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < plane; i++) {
        float v = Math.min(1f, Math.max(0f, chw[c * plane + i]));
        rgb[i * 3 + c] = (byte) Math.round(v * 255f);
      }
    }
    return new RgbImage(width, height, rgb);
  }
}
