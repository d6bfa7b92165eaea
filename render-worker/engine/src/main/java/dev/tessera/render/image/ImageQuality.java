package dev.tessera.render.image;

/**
 * Full-reference picture quality on luma, as super-resolution papers measure it: Y of BT.601 YCbCr
 * (16–235) from 8-bit RGB, a border of {@code shave} pixels left out (where upscalers see past the
 * image's edge), then PSNR (peak 255) and SSIM (Wang et al. 2004: an 11×11 Gaussian window with σ
 * 1.5, K1 0.01, K2 0.03, averaged over every position where the window fits). Stateless.
 */
public final class ImageQuality {
  private static final int WINDOW = 11;
  private static final double SIGMA = 1.5;
  private static final double C1 = Math.pow(0.01 * 255, 2);
  private static final double C2 = Math.pow(0.03 * 255, 2);

  private ImageQuality() {}

  /**
   * PSNR in dB of {@code test} against {@code reference}; infinite when they are equal.
   *
   * @throws IllegalArgumentException when the sizes differ or nothing is left after the shave
   */
  public static double psnr(RgbImage reference, RgbImage test, int shave) {
    double[] a = luma(reference, test, shave, true);
    double[] b = luma(test, reference, shave, false);
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      sum += d * d;
    }
    double mse = sum / a.length;
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
  }

  /**
   * Mean SSIM of {@code test} against {@code reference}, in [-1, 1]; 1 when they are equal.
   *
   * @throws IllegalArgumentException when the sizes differ or the shaved image is smaller than the
   *     window
   */
  public static double ssim(RgbImage reference, RgbImage test, int shave) {
    double[] x = luma(reference, test, shave, true);
    double[] y = luma(test, reference, shave, false);
    int w = reference.width() - 2 * shave;
    int h = reference.height() - 2 * shave;
    if (w < WINDOW || h < WINDOW) {
      throw new IllegalArgumentException(
          "SSIM needs at least " + WINDOW + "x" + WINDOW + " pixels, got " + w + "x" + h);
    }
    double[] kernel = gaussian();
    double[] muX = filter(x, w, h, kernel);
    double[] muY = filter(y, w, h, kernel);
    double[] xx = new double[x.length];
    double[] yy = new double[x.length];
    double[] xy = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      xx[i] = x[i] * x[i];
      yy[i] = y[i] * y[i];
      xy[i] = x[i] * y[i];
    }
    double[] sxx = filter(xx, w, h, kernel);
    double[] syy = filter(yy, w, h, kernel);
    double[] sxy = filter(xy, w, h, kernel);
    double sum = 0;
    for (int i = 0; i < muX.length; i++) {
      double mx = muX[i];
      double my = muY[i];
      double vx = sxx[i] - mx * mx;
      double vy = syy[i] - my * my;
      double cov = sxy[i] - mx * my;
      sum += ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
    }
    return sum / muX.length;
  }

  /** BT.601 luma in 16–235 of the shaved {@code image}, checked against {@code other}'s size. */
  private static double[] luma(RgbImage image, RgbImage other, int shave, boolean check) {
    if (check && (image.width() != other.width() || image.height() != other.height())) {
      throw new IllegalArgumentException(
          "cannot compare a "
              + other.width()
              + "x"
              + other.height()
              + " image with a "
              + image.width()
              + "x"
              + image.height()
              + " reference");
    }
    int w = image.width() - 2 * shave;
    int h = image.height() - 2 * shave;
    if (shave < 0 || w <= 0 || h <= 0) {
      throw new IllegalArgumentException(
          "a border of "
              + shave
              + " leaves nothing of a "
              + image.width()
              + "x"
              + image.height()
              + " image");
    }
    double[] y = new double[w * h];
    byte[] rgb = image.rgb();
    for (int row = 0; row < h; row++) {
      for (int col = 0; col < w; col++) {
        int i = ((row + shave) * image.width() + col + shave) * 3;
        y[row * w + col] =
            16
                + (65.481 * (rgb[i] & 0xff)
                        + 128.553 * (rgb[i + 1] & 0xff)
                        + 24.966 * (rgb[i + 2] & 0xff))
                    / 255.0;
      }
    }
    return y;
  }

  private static double[] gaussian() {
    double[] k = new double[WINDOW];
    double sum = 0;
    for (int i = 0; i < WINDOW; i++) {
      double d = i - WINDOW / 2;
      k[i] = Math.exp(-d * d / (2 * SIGMA * SIGMA));
      sum += k[i];
    }
    for (int i = 0; i < WINDOW; i++) {
      k[i] /= sum;
    }
    return k;
  }

  /** Separable Gaussian filter over the positions where the whole window fits ("valid"). */
  private static double[] filter(double[] v, int w, int h, double[] k) {
    int ow = w - WINDOW + 1;
    int oh = h - WINDOW + 1;
    double[] rows = new double[h * ow];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < ow; x++) {
        double s = 0;
        for (int i = 0; i < WINDOW; i++) {
          s += k[i] * v[y * w + x + i];
        }
        rows[y * ow + x] = s;
      }
    }
    double[] out = new double[oh * ow];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        double s = 0;
        for (int i = 0; i < WINDOW; i++) {
          s += k[i] * rows[(y + i) * ow + x];
        }
        out[y * ow + x] = s;
      }
    }
    return out;
  }
}
