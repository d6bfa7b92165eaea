package dev.tessera.render.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How inference timesteps are spread over the training timesteps, after Table 2 of "Common
 * Diffusion Noise Schedules and Sample Steps are Flawed" (Lin et al. 2023), under the names
 * diffusers uses in {@code timestep_spacing}. Each scheduler applies a spacing with its own
 * diffusers code (see the package-private SpacedTimesteps).
 */
public enum Spacing {
  LEADING,
  LINSPACE,
  TRAILING;

  /** The spelling used in {@code scheduler_config.json} (lower case). */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a diffusers spelling ({@code leading}, {@code linspace}, {@code trailing}).
   *
   * @throws IllegalArgumentException naming the allowed values when {@code value} is none of them
   */
  public static Spacing parse(String value) {
    for (Spacing spacing : values()) {
      if (spacing.configName().equals(value)) {
        return spacing;
      }
    }
    throw new IllegalArgumentException(
        "timestep spacing '" + value + "' is not one of " + allowedValues());
  }

  static String allowedValues() {
    return Arrays.stream(values()).map(Spacing::configName).collect(Collectors.joining(", "));
  }
}
