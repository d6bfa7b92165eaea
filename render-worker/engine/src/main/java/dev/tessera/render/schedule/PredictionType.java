package dev.tessera.render.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the UNet predicts, as diffusers' {@code prediction_type}: the added noise ({@code epsilon},
 * SD 1.x and SD 2.x base) or the velocity v = α·ε − σ·x₀ ({@code v_prediction}, SD 2.x 768 px).
 * Direct {@code sample} prediction is not supported: no Stable Diffusion bundle uses it.
 */
public enum PredictionType {
  EPSILON,
  V_PREDICTION;

  /** The spelling used in {@code scheduler_config.json}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a diffusers spelling.
   *
   * @throws IllegalArgumentException naming the allowed values when {@code value} is none of them
   */
  public static PredictionType parse(String value) {
    for (PredictionType type : values()) {
      if (type.configName().equals(value)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "prediction_type '"
            + value
            + "' is not one of "
            + Arrays.stream(values())
                .map(PredictionType::configName)
                .collect(Collectors.joining(", ")));
  }
}
