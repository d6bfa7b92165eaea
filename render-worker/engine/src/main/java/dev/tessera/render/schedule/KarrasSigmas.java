package dev.tessera.render.schedule;

/**
 * The noise levels of Karras et al. (2022), eq. 5 with ρ = 7: evenly spaced in σ^(1/ρ), from σmax
 * down to σmin.
 */
final class KarrasSigmas {

  private static final double RHO = 7.0;

  private KarrasSigmas() {}

  /** {@code count} sigmas descending from {@code sigmaMax} to {@code sigmaMin}, both included. */
  static double[] between(double sigmaMin, double sigmaMax, int count) {
    double minInvRho = Math.pow(sigmaMin, 1 / RHO);
    double maxInvRho = Math.pow(sigmaMax, 1 / RHO);
    double[] sigmas = new double[count];
    for (int i = 0; i < count; i++) {
      double ramp = count > 1 ? (double) i / (count - 1) : 0;
      sigmas[i] = Math.pow(maxInvRho + ramp * (minInvRho - maxInvRho), RHO);
    }
    return sigmas;
  }
}
