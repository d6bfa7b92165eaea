package dev.tessera.render.schedule;

import java.util.Arrays;

/**
 * The inference timesteps (descending) each diffusers scheduler derives from a {@link Spacing}; the
 * three schedulers spell the same spacings slightly differently and each method follows one of
 * them. numpy's {@code round} is round-half-even, hence {@link Math#rint}.
 */
final class SpacedTimesteps {

  private SpacedTimesteps() {}

  /** DDIMScheduler.set_timesteps: integer timesteps. */
  static double[] ddim(Spacing spacing, int trainSteps, int steps, int stepsOffset) {
    return switch (spacing) {
      case LINSPACE -> rounded(descendingLinspace(trainSteps - 1, steps));
      case LEADING -> leading(trainSteps / steps, steps, stepsOffset);
      case TRAILING -> trailing(trainSteps, steps);
    };
  }

  /**
   * Euler(Ancestral)DiscreteScheduler.set_timesteps: float32 timesteps, fractional for {@code
   * linspace}.
   */
  static double[] euler(Spacing spacing, int trainSteps, int steps, int stepsOffset) {
    double[] timesteps =
        switch (spacing) {
          case LINSPACE -> descendingLinspace(trainSteps - 1, steps);
          case LEADING -> leading(trainSteps / steps, steps, stepsOffset);
          case TRAILING -> trailing(trainSteps, steps);
        };
    return toFloat32(timesteps);
  }

  /**
   * DPMSolverMultistepScheduler.set_timesteps: integer timesteps; {@code linspace} and {@code
   * leading} divide the range into steps + 1 parts and drop the final 0.
   */
  static double[] dpmSolver(Spacing spacing, int trainSteps, int steps, int stepsOffset) {
    return switch (spacing) {
      case LINSPACE -> Arrays.copyOf(rounded(descendingLinspace(trainSteps - 1, steps + 1)), steps);
      case LEADING ->
          Arrays.copyOf(leading(trainSteps / (steps + 1), steps + 1, stepsOffset), steps);
      case TRAILING -> trailing(trainSteps, steps);
    };
  }

  /** Rounds each value to float32 and back, as diffusers stores these timesteps. */
  static double[] toFloat32(double[] values) {
    double[] result = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = (float) values[i];
    }
    return result;
  }

  /** numpy {@code linspace(0, stop, count)} reversed. */
  private static double[] descendingLinspace(double stop, int count) {
    double[] values = new double[count];
    double step = count > 1 ? stop / (count - 1) : 0;
    for (int i = 0; i < count; i++) {
      values[count - 1 - i] = i * step;
    }
    values[0] = count > 1 ? stop : 0;
    return values;
  }

  /** {@code arange(0, count) * ratio} reversed, plus the offset. */
  private static double[] leading(int ratio, int count, int stepsOffset) {
    double[] values = new double[count];
    for (int i = 0; i < count; i++) {
      values[count - 1 - i] = (double) i * ratio + stepsOffset;
    }
    return values;
  }

  /**
   * {@code round(arange(trainSteps, 0, -trainSteps/steps)) - 1}. numpy's arange yields steps + 1
   * values for some step counts (61, 103, …) because of float rounding in its length, the extra one
   * being −1; only the first {@code steps} are kept, so every scheduler has exactly {@code steps}
   * timesteps.
   */
  private static double[] trailing(int trainSteps, int steps) {
    double ratio = (double) trainSteps / steps;
    double[] values = new double[steps];
    for (int i = 0; i < steps; i++) {
      values[i] = Math.rint(trainSteps - i * ratio) - 1;
    }
    return values;
  }

  private static double[] rounded(double[] values) {
    double[] result = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      result[i] = Math.rint(values[i]);
    }
    return result;
  }
}
