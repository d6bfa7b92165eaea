package dev.tessera.render.image;

import com.twelvemonkeys.image.ResampleOp;

/**
 * Lanczos resampling (TwelveMonkeys {@link ResampleOp}, Lanczos-3): the baseline resizer, also used
 * to bring an upscaler's output to a size that is not a whole multiple of the input (3072 → 2048).
 */
public final class Lanczos {
  private Lanczos() {}

  /**
   * {@code image} resampled to {@code width × height}. Where either side, before or after, is 3
   * pixels or fewer (the filter's support), ResampleOp falls back to bilinear interpolation.
   */
  public static RgbImage resize(RgbImage image, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
    }
    var resized =
        new ResampleOp(width, height, ResampleOp.FILTER_LANCZOS)
            .filter(image.toBufferedImage(), null);
    return RgbImage.of(resized, width, height);
  }
}
