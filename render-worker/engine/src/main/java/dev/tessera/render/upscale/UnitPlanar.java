package dev.tessera.render.upscale;

import dev.tessera.render.image.RgbImage;
import dev.tessera.render.pipeline.PlanarImage;

/**
 * Converts between 8-bit RGB and planar {@code [3, height, width]} floats in [0, 1], the range of
 * ESRGAN models.
 */
final class UnitPlanar {
  private UnitPlanar() {}

  static PlanarImage of(RgbImage image) {
    int plane = image.width() * image.height();
    byte[] rgb = image.rgb();
    float[] chw = new float[3 * plane];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < plane; i++) {
        chw[c * plane + i] = (rgb[i * 3 + c] & 0xff) / 255f;
      }
    }
    return new PlanarImage(chw, 3, image.height(), image.width());
  }

  /** Clamps to [0, 1] and rounds to 8 bits. */
  static RgbImage toImage(PlanarImage image) {
    float[] chw = image.values();
    int width = image.width();
    int height = image.height();
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
