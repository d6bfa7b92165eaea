package dev.tessera.render.upscale;

import dev.tessera.render.image.RgbImage;
import dev.tessera.render.pipeline.UnsupportedRequestException;

/**
 * The size an upscaled image is delivered at: a given length on the base image's long side, the
 * short side scaled to keep the base's aspect (rounded to the nearest pixel), so a square base
 * gives a square target.
 */
public record TargetSize(int width, int height) {
  /** The longest side a target may have. */
  public static final int MAX = 4096;

  /** The farm's delivery size when none is asked for. */
  public static final int DEFAULT = 2048;

  /**
   * The target with {@code longSide} on the long side of a {@code baseWidth × baseHeight} image.
   *
   * @throws UnsupportedRequestException when {@code longSide} is above {@value #MAX} or below the
   *     base's long side
   */
  public static TargetSize of(int baseWidth, int baseHeight, int longSide) {
    if (longSide > MAX) {
      throw new UnsupportedRequestException("must be at most " + MAX + ", got " + longSide);
    }
    if (longSide < Math.max(baseWidth, baseHeight)) {
      throw new UnsupportedRequestException(
          longSide
              + " is smaller than the "
              + baseWidth
              + "x"
              + baseHeight
              + " image it would upscale");
    }
    if (baseWidth >= baseHeight) {
      return new TargetSize(longSide, scaled(baseHeight, longSide, baseWidth));
    }
    return new TargetSize(scaled(baseWidth, longSide, baseHeight), longSide);
  }

  private static int scaled(int side, int longSide, int baseLong) {
    return (int) Math.max(1, Math.round((double) side * longSide / baseLong));
  }

  /** Whether {@code image} already has this size. */
  public boolean matches(RgbImage image) {
    return image.width() == width && image.height() == height;
  }

  @Override
  public String toString() {
    return width + "x" + height;
  }
}
