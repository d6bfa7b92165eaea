package dev.tessera.render.upscale;

import dev.tessera.render.image.RgbImage;
import java.util.Set;

/** Images and image measures for the upscaler tests. */
final class TestImages {
  private TestImages() {}

  /**
   * A smooth picture: colour waves and a soft-edged disc, nothing aligned to any tile grid. Smooth
   * on purpose: a seam stands out most where the picture itself has no edges.
   */
  static RgbImage smooth(int width, int height) {
    byte[] rgb = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double disc = Math.hypot(x - 0.6 * width, y - 0.4 * height) / (0.25 * width);
        double[] colour = {
          0.5 + 0.4 * Math.sin(x * 0.05),
          0.5 + 0.4 * Math.cos(y * 0.07),
          0.2 + 0.7 / (1 + Math.exp(6 * (disc - 1)))
        };
        for (int c = 0; c < 3; c++) {
          rgb[(y * width + x) * 3 + c] = (byte) Math.round(colour[c] * 255);
        }
      }
    }
    return new RgbImage(width, height, rgb);
  }

  /** Mean absolute difference per channel value, in 8-bit levels. */
  static double meanAbsDiff(RgbImage a, RgbImage b) {
    long sum = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      sum += Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff));
    }
    return (double) sum / a.rgb().length;
  }

  /**
   * The seam measure: the mean absolute gradient across the given boundaries (a boundary {@code b}
   * is between pixel columns, and rows, {@code b - 1} and {@code b}) divided by the mean absolute
   * gradient across all other columns and rows. About 1 where tiles left no trace; above 1 where
   * they did.
   */
  static double seamRatio(RgbImage image, Set<Integer> boundaries) {
    double[] acrossBoundaries = new double[2];
    double[] elsewhere = new double[2];
    for (boolean columns : new boolean[] {true, false}) {
      int length = columns ? image.width() : image.height();
      for (int b = 1; b < length; b++) {
        double[] into = boundaries.contains(b) ? acrossBoundaries : elsewhere;
        into[0] += gradient(image, b, columns);
        into[1]++;
      }
    }
    return (acrossBoundaries[0] / acrossBoundaries[1]) / (elsewhere[0] / elsewhere[1]);
  }

  /**
   * Mean absolute difference between column (or row) {@code b - 1} and {@code b}, over every pixel
   * and channel.
   */
  private static double gradient(RgbImage image, int b, boolean column) {
    int w = image.width();
    int n = column ? image.height() : w;
    byte[] p = image.rgb();
    long sum = 0;
    for (int i = 0; i < n; i++) {
      int here = column ? (i * w + b) * 3 : (b * w + i) * 3;
      int before = column ? here - 3 : here - w * 3;
      for (int c = 0; c < 3; c++) {
        sum += Math.abs((p[here + c] & 0xff) - (p[before + c] & 0xff));
      }
    }
    return (double) sum / (n * 3);
  }
}
