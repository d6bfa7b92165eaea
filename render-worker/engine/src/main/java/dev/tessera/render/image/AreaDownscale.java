package dev.tessera.render.image;

/**
 * Downscaling by a whole factor with area averaging: each output pixel is the mean of its {@code
 * factor × factor} block, the way a camera's larger pixels would have seen the scene. Used to make
 * the low-resolution inputs of quality measurements.
 */
public final class AreaDownscale {
  private AreaDownscale() {}

  /**
   * {@code image} shrunk {@code factor} times; sides that are not a multiple of {@code factor} lose
   * their last pixels (crop first with {@link #cropToMultiple} to know which).
   *
   * @throws IllegalArgumentException when the factor is below 1 or larger than a side
   */
  public static RgbImage by(RgbImage image, int factor) {
    if (factor < 1 || factor > image.width() || factor > image.height()) {
      throw new IllegalArgumentException(
          "cannot shrink a " + image.width() + "x" + image.height() + " image by " + factor);
    }
    int w = image.width() / factor;
    int h = image.height() / factor;
    byte[] in = image.rgb();
    byte[] out = new byte[w * h * 3];
    int area = factor * factor;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int sum = 0;
          for (int dy = 0; dy < factor; dy++) {
            int row = (y * factor + dy) * image.width();
            for (int dx = 0; dx < factor; dx++) {
              sum += in[(row + x * factor + dx) * 3 + c] & 0xff;
            }
          }
          out[(y * w + x) * 3 + c] = (byte) ((sum + area / 2) / area);
        }
      }
    }
    return new RgbImage(w, h, out);
  }

  /** The top-left part of {@code image} whose sides are multiples of {@code factor}. */
  public static RgbImage cropToMultiple(RgbImage image, int factor) {
    int w = image.width() - image.width() % factor;
    int h = image.height() - image.height() % factor;
    if (w == image.width() && h == image.height()) {
      return image;
    }
    return crop(image, 0, 0, w, h);
  }

  /** The {@code width × height} region of {@code image} at ({@code x}, {@code y}), copied. */
  public static RgbImage crop(RgbImage image, int x, int y, int width, int height) {
    if (x < 0 || y < 0 || x + width > image.width() || y + height > image.height()) {
      throw new IllegalArgumentException(
          "region "
              + width
              + "x"
              + height
              + " at "
              + x
              + ","
              + y
              + " is outside the "
              + image.width()
              + "x"
              + image.height()
              + " image");
    }
    byte[] out = new byte[width * height * 3];
    for (int row = 0; row < height; row++) {
      System.arraycopy(
          image.rgb(), ((y + row) * image.width() + x) * 3, out, row * width * 3, width * 3);
    }
    return new RgbImage(width, height, out);
  }
}
