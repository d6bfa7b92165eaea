package dev.tessera.render.esrgan;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * UpscalerJS's ESRGAN model packages on the npm registry (MIT), each with ×2, ×3, ×4 and ×8 models
 * as TensorFlow.js layers models. {@code slim} and {@code medium} are RDN networks that take and
 * give pixels in 0–255; {@code thick} is an RRDB network (ESRGAN's own) in 0–1, with two layers of
 * its own (MultiplyBeta, PixelShuffle), as the packages' model definitions say.
 */
public enum EsrganVariant {
  SLIM("slim", 255f),
  MEDIUM("medium", 255f),
  THICK("thick", 1f);

  /** The package version converted; pinned so the same command writes the same model. */
  public static final String VERSION = "1.0.0";

  /** The scales every package ships. */
  public static final List<Integer> SCALES = List.of(2, 3, 4, 8);

  private final String cliName;
  private final float range;

  EsrganVariant(String cliName, float range) {
    this.cliName = cliName;
    this.range = range;
  }

  public String cliName() {
    return cliName;
  }

  /** The npm package, e.g. {@code @upscalerjs/esrgan-slim}. */
  public String packageName() {
    return "@upscalerjs/esrgan-" + cliName;
  }

  /** The top of the pixel range the network takes and gives: 255 or 1. */
  public float range() {
    return range;
  }

  /**
   * The variant named {@code name}, ignoring case.
   *
   * @throws IllegalArgumentException naming the known variants
   */
  public static EsrganVariant parse(String name) {
    for (EsrganVariant variant : values()) {
      if (variant.cliName.equals(name.toLowerCase(Locale.ROOT))) {
        return variant;
      }
    }
    throw new IllegalArgumentException(
        "unknown ESRGAN variant '"
            + name
            + "'; known: "
            + Arrays.stream(values())
                .map(EsrganVariant::cliName)
                .collect(Collectors.joining(", ")));
  }

  /**
   * Checks a scale.
   *
   * @throws IllegalArgumentException naming the scales there are
   */
  public static int checkScale(int scale) {
    if (!SCALES.contains(scale)) {
      throw new IllegalArgumentException(
          "no ESRGAN model for scale " + scale + "; the packages ship " + SCALES);
    }
    return scale;
  }
}
