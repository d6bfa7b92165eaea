package dev.tessera.render.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The training noise schedule family, as diffusers' {@code beta_schedule}. Betas are computed in
 * double precision (diffusers uses float32; the difference is below 1e-6 relative on the sigmas).
 */
public enum BetaSchedule {
  /** β linear from βstart to βend. */
  LINEAR,
  /**
   * √β linear from √βstart to √βend, squared: the latent diffusion schedule of Stable Diffusion.
   */
  SCALED_LINEAR,
  /**
   * The Glide cosine schedule (ᾱ(t) = cos²((t+0.008)/1.008·π/2)), β capped at 0.999; ignores
   * βstart/βend.
   */
  SQUAREDCOS_CAP_V2;

  private static final double MAX_COSINE_BETA = 0.999;

  /** The spelling used in {@code scheduler_config.json}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a diffusers spelling.
   *
   * @throws IllegalArgumentException naming the allowed values when {@code value} is none of them
   */
  public static BetaSchedule parse(String value) {
    for (BetaSchedule schedule : values()) {
      if (schedule.configName().equals(value)) {
        return schedule;
      }
    }
    throw new IllegalArgumentException(
        "beta_schedule '"
            + value
            + "' is not one of "
            + Arrays.stream(values())
                .map(BetaSchedule::configName)
                .collect(Collectors.joining(", ")));
  }

  /** The {@code count} training betas of this schedule. */
  double[] betas(int count, double betaStart, double betaEnd) {
    return switch (this) {
      case LINEAR -> linspace(betaStart, betaEnd, count);
      case SCALED_LINEAR -> {
        double[] betas = linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), count);
        for (int i = 0; i < count; i++) {
          float root = (float) betas[i];
          betas[i] = root * root;
        }
        yield betas;
      }
      case SQUAREDCOS_CAP_V2 -> {
        double[] betas = new double[count];
        for (int i = 0; i < count; i++) {
          double ratio = cosineAlphaBar((i + 1.0) / count) / cosineAlphaBar((double) i / count);
          betas[i] = (float) Math.min(1 - ratio, MAX_COSINE_BETA);
        }
        yield betas;
      }
    };
  }

  private static double cosineAlphaBar(double t) {
    double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
    return c * c;
  }

  /**
   * {@code torch.linspace(start, end, count)} in float32 as torch computes it: the first half
   * counts up from {@code start}, the second half down from {@code end}, all in single precision.
   * diffusers builds its betas this way, and the float32 rounding shows in the sixth digit of the
   * sigmas, so it is reproduced, not approximated.
   */
  private static double[] linspace(double start, double end, int count) {
    float from = (float) start;
    float to = (float) end;
    float step = count > 1 ? (to - from) / (count - 1) : 0f;
    int half = count / 2;
    double[] values = new double[count];
    for (int i = 0; i < count; i++) {
      values[i] = i < half ? from + i * step : to - (count - 1 - i) * step;
    }
    return values;
  }
}
