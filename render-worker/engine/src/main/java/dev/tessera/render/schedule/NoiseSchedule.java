package dev.tessera.render.schedule;

/**
 * The training noise schedule of a model: ᾱ(t) for the integer training timesteps t = 0 … N−1 and
 * the matching k-diffusion noise levels σ(t) = √((1−ᾱ)/ᾱ), computed in double precision. Immutable
 * and shareable; σ increases strictly with t for every supported {@link BetaSchedule}.
 */
public final class NoiseSchedule {

  /**
   * diffusers clamps σ before taking its log so that σ = 0 maps to the lowest timestep instead of
   * −∞.
   */
  private static final double MIN_LOG_SIGMA_ARGUMENT = 1e-10;

  private final double[] alphasCumprod;
  private final double[] sigmas;
  private final double[] logSigmas;

  private NoiseSchedule(double[] betas) {
    int count = betas.length;
    alphasCumprod = new double[count];
    sigmas = new double[count];
    logSigmas = new double[count];
    // float32 throughout, as diffusers' torch tensors are: ᾱ and σ then agree with it to the last
    // digit.
    float product = 1f;
    for (int t = 0; t < count; t++) {
      product *= 1f - (float) betas[t];
      alphasCumprod[t] = product;
      sigmas[t] = (float) Math.sqrt((1f - product) / product);
      logSigmas[t] = Math.log(sigmas[t]);
    }
  }

  /** The schedule described by {@code config}'s betas and training timestep count. */
  public static NoiseSchedule of(SchedulerConfig config) {
    return new NoiseSchedule(
        config
            .betaSchedule()
            .betas(config.numTrainTimesteps(), config.betaStart(), config.betaEnd()));
  }

  /** N, the number of training timesteps. */
  public int size() {
    return alphasCumprod.length;
  }

  /** ᾱ(t) for an integer training timestep. */
  public double alphaCumprod(int timestep) {
    return alphasCumprod[checked(timestep)];
  }

  /** σ(t) = √((1−ᾱ)/ᾱ) for an integer training timestep. */
  public double sigma(int timestep) {
    return sigmas[checked(timestep)];
  }

  /**
   * σ at a fractional timestep by linear interpolation between the integer timesteps, clamped to
   * the ends (numpy {@code interp}, as diffusers' Euler schedulers use it).
   */
  public double sigmaAt(double timestep) {
    int last = sigmas.length - 1;
    if (timestep <= 0) {
      return sigmas[0];
    }
    if (timestep >= last) {
      return sigmas[last];
    }
    int low = (int) Math.floor(timestep);
    return sigmas[low] + (timestep - low) * (sigmas[low + 1] - sigmas[low]);
  }

  /**
   * The fractional timestep whose noise level is {@code sigma}: linear interpolation of log σ
   * between the two neighbouring training timesteps, clamped to [0, N−1] (diffusers' {@code
   * _sigma_to_t}).
   */
  public double timestepForSigma(double sigma) {
    double logSigma = Math.log(Math.max(sigma, MIN_LOG_SIGMA_ARGUMENT));
    int low = Math.min(Math.max(countAtMost(logSigma) - 1, 0), logSigmas.length - 2);
    int high = low + 1;
    double weight = (logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[high]);
    weight = Math.min(Math.max(weight, 0), 1);
    return (1 - weight) * low + weight * high;
  }

  /**
   * How many log σ(t) are at most {@code logSigma}; log σ increases with t, so this is a binary
   * search.
   */
  private int countAtMost(double logSigma) {
    int lo = 0;
    int hi = logSigmas.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (logSigmas[mid] <= logSigma) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private int checked(int timestep) {
    if (timestep < 0 || timestep >= alphasCumprod.length) {
      throw new IllegalArgumentException(
          "timestep "
              + timestep
              + " is outside the training range 0.."
              + (alphasCumprod.length - 1));
    }
    return timestep;
  }
}
