package dev.tessera.render.image;

import java.util.SplittableRandom;

/**
 * A deterministic photo-like test image: a sky gradient with a glowing sun, a wavy horizon,
 * hard-edged silhouettes, furrowed fields and mild grain. Encoders behave on it roughly as on a
 * real render, unlike on flat colour (compresses to nothing) or white noise (does not compress at
 * all).
 */
final class SyntheticPhoto {
  private SyntheticPhoto() {}

  /**
   * The same {@code seed} and size give the same pixels on every JVM ({@link StrictMath}, a seeded
   * generator).
   */
  static RgbImage landscape(int width, int height, long seed) {
    byte[] rgb = new byte[width * height * 3];
    double[] horizon = new double[width];
    for (int x = 0; x < width; x++) {
      double u = (double) x / width;
      horizon[x] =
          0.55
              + 0.06 * StrictMath.sin(2 * Math.PI * 1.3 * u + 0.4)
              + 0.03 * StrictMath.sin(2 * Math.PI * 4.1 * u);
    }
    SplittableRandom grain = new SplittableRandom(seed);
    double[] pixel = new double[3];
    for (int y = 0; y < height; y++) {
      double v = (double) y / height;
      for (int x = 0; x < width; x++) {
        double u = (double) x / width;
        if (isBuilding(u, v)) {
          set(pixel, 28, 30, 38);
        } else if (v < horizon[x]) {
          sky(u, v, v / horizon[x], width / (double) height, pixel);
        } else {
          field(u, (v - horizon[x]) / (1 - horizon[x]), pixel);
        }
        int i = (y * width + x) * 3;
        for (int c = 0; c < 3; c++) {
          // Triangular grain in [-2, 2], like sensor noise or a diffusion model's fine texture.
          int noise = grain.nextInt(3) + grain.nextInt(3) - 2;
          rgb[i + c] = (byte) Math.max(0, Math.min(255, (int) Math.round(pixel[c]) + noise));
        }
      }
    }
    return new RgbImage(width, height, rgb);
  }

  private static boolean isBuilding(double u, double v) {
    return (u > 0.12 && u < 0.18 && v > 0.38 && v < 0.62)
        || (u > 0.17 && u < 0.21 && v > 0.45 && v < 0.62)
        || (u > 0.80 && u < 0.83 && v > 0.30 && v < 0.60);
  }

  /** {@code t} runs from 0 at the top of the sky to 1 at the horizon. */
  private static void sky(double u, double v, double t, double aspect, double[] pixel) {
    set(pixel, 40 + 160 * t, 80 + 135 * t, 160 + 75 * t);
    double dx = (u - 0.72) * aspect;
    double dy = v - 0.25;
    double d2 = dx * dx + dy * dy;
    double glow = d2 < 0.06 * 0.06 ? 1 : StrictMath.exp(-d2 / 0.01);
    pixel[0] += (255 - pixel[0]) * glow;
    pixel[1] += (235 - pixel[1]) * glow;
    pixel[2] += (190 - pixel[2]) * glow;
  }

  /** {@code t} runs from 0 at the horizon to 1 at the bottom edge. */
  private static void field(double u, double t, double[] pixel) {
    double furrows =
        14 * t * StrictMath.sin(60 * (u - 0.5) / (0.15 + t) + 6 * StrictMath.sin(5 * t));
    set(pixel, 110 - 60 * t + furrows, 130 - 50 * t + furrows, 60 - 30 * t + furrows / 2);
  }

  private static void set(double[] pixel, double r, double g, double b) {
    pixel[0] = r;
    pixel[1] = g;
    pixel[2] = b;
  }
}
