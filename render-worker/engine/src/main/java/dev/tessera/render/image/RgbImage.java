package dev.tessera.render.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * An 8-bit RGB image, interleaved row-major ({@code rgb[(y * width + x) * 3 + c]}). The array is
 * shared, not copied.
 */
public record RgbImage(int width, int height, byte[] rgb) {
  public RgbImage {
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException(
          "expected " + width * height * 3 + " bytes, got " + rgb.length);
    }
  }

  /**
   * Converts a planar {@code [3, height, width]} image in the VAE's range [-1, 1] as diffusers
   * does: {@code round(clamp(x / 2 + 0.5, 0, 1) * 255)}.
   */
  public static RgbImage fromPlanar(float[] chw, int width, int height) {
    int plane = width * height;
    byte[] rgb = new byte[plane * 3];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < plane; i++) {
        float v = Math.min(1f, Math.max(0f, chw[c * plane + i] / 2f + 0.5f));
        rgb[i * 3 + c] = (byte) Math.round(v * 255f);
      }
    }
    return new RgbImage(width, height, rgb);
  }

  /**
   * This image as a planar {@code [3, height, width]} array in [-1, 1], the VAE encoder's input
   * range.
   */
  public float[] toPlanar() {
    int plane = width * height;
    float[] chw = new float[plane * 3];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < plane; i++) {
        chw[c * plane + i] = (rgb[i * 3 + c] & 0xff) / 127.5f - 1f;
      }
    }
    return chw;
  }

  /**
   * A copy of {@code image} (any type), resampled with bicubic interpolation to {@code width ×
   * height} when needed.
   */
  public static RgbImage of(BufferedImage image, int width, int height) {
    BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    var g = target.createGraphics();
    try {
      g.setRenderingHint(
          java.awt.RenderingHints.KEY_INTERPOLATION,
          java.awt.RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.drawImage(image, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    byte[] bgr = ((DataBufferByte) target.getRaster().getDataBuffer()).getData();
    byte[] rgb = new byte[bgr.length];
    for (int i = 0; i < bgr.length; i += 3) {
      rgb[i] = bgr[i + 2];
      rgb[i + 1] = bgr[i + 1];
      rgb[i + 2] = bgr[i];
    }
    return new RgbImage(width, height, rgb);
  }

  /** This image as a {@link BufferedImage} of type {@code TYPE_3BYTE_BGR} (a copy). */
  public BufferedImage toBufferedImage() {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < rgb.length; i += 3) {
      bgr[i] = rgb[i + 2];
      bgr[i + 1] = rgb[i + 1];
      bgr[i + 2] = rgb[i];
    }
    return image;
  }
}
