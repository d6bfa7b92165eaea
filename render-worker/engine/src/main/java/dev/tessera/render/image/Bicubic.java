package dev.tessera.render.image;

import com.twelvemonkeys.image.ResampleOp;

/**
 * Bicubic resampling with the Catmull-Rom kernel (Keys' cubic with a = -0.5, TwelveMonkeys {@link
 * ResampleOp}), the "bicubic" of most image tools: a baseline beside {@link Lanczos}.
 */
public final class Bicubic {
  private Bicubic() {}

  /** {@code image} resampled to {@code width × height}. */
  public static RgbImage resize(RgbImage image, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
    }
    var resized =
        new ResampleOp(width, height, ResampleOp.FILTER_CATROM)
            .filter(image.toBufferedImage(), null);
    return RgbImage.of(resized, width, height);
  }
}
