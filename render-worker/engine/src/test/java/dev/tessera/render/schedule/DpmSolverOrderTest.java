package dev.tessera.render.schedule;

import static dev.tessera.render.schedule.OracleDenoisingTest.assertClose;
import static dev.tessera.render.schedule.OracleDenoisingTest.maxDifference;
import static dev.tessera.render.schedule.OracleDenoisingTest.vector;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DPM-Solver++(2M) takes first-order steps first and last and second-order (midpoint) steps
 * between, checked against the formulas of Lu et al. (2022) written out here independently, with
 * model outputs that are not consistent with any x₀ so that the two orders differ.
 */
class DpmSolverOrderTest {

  private static final int STEPS = 10;

  @ParameterizedTest
  @ValueSource(strings = {"epsilon", "v_prediction"})
  void firstAndLastStepsAreFirstOrderAndTheOthersSecondOrder(String prediction) {
    SchedulerConfig config = Sd2Configs.of(prediction);
    Scheduler dpm = Schedulers.create("dpmpp-2m", config, STEPS, false, null);
    double[] sigmas = dpm.sigmas();
    float[] sample = vector(1);
    double[] previousX0 = null;
    for (int i = 0; i < STEPS; i++) {
      float[] out = vector(100 + i);
      double[] x0 = denoised(config.predictionType(), sample, out, sigmas[i]);
      float[] firstOrder = firstOrder(sample, x0, sigmas[i], sigmas[i + 1]);
      float[] next = dpm.step(out, i, sample, null);
      if (i == 0 || i == STEPS - 1) {
        assertClose(firstOrder, next, 1e-5);
      } else {
        assertTrue(maxDifference(firstOrder, next) > 1e-3, "step " + i + " is not first order");
        assertClose(
            secondOrder(sample, x0, previousX0, sigmas[i - 1], sigmas[i], sigmas[i + 1]),
            next,
            1e-5);
      }
      previousX0 = x0;
      sample = next;
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4})
  void theFirstStepAfterABeginIndexIsFirstOrder(int begin) {
    SchedulerConfig config = Sd2Configs.epsilon();
    Scheduler dpm = Schedulers.create("dpmpp-2m", config, STEPS, false, null);
    double[] sigmas = dpm.sigmas();
    dpm.setBeginIndex(begin);
    float[] sample = vector(2);
    float[] out = vector(3);
    double[] x0 = denoised(PredictionType.EPSILON, sample, out, sigmas[begin]);
    assertClose(
        firstOrder(sample, x0, sigmas[begin], sigmas[begin + 1]),
        dpm.step(out, begin, sample, null),
        1e-5);
  }

  /** x₀ implied by the model output for a variance-preserving sample at level σ. */
  private static double[] denoised(
      PredictionType prediction, float[] sample, float[] out, double sigma) {
    double alpha = 1 / Math.sqrt(sigma * sigma + 1);
    double s = sigma * alpha;
    double[] x0 = new double[sample.length];
    for (int k = 0; k < x0.length; k++) {
      x0[k] =
          prediction == PredictionType.EPSILON
              ? (sample[k] - s * out[k]) / alpha
              : alpha * sample[k] - s * out[k];
    }
    return x0;
  }

  /**
   * DPM-Solver++ first order: x_t = (s_t/s_s)·x − α_t·(e^{−h} − 1)·x₀; at σ_t = 0 the limit is x₀.
   */
  private static float[] firstOrder(float[] sample, double[] x0, double sigmaS, double sigmaT) {
    float[] result = new float[sample.length];
    for (int k = 0; k < result.length; k++) {
      result[k] =
          (float)
              (sigmaT == 0
                  ? x0[k]
                  : ratio(sigmaS, sigmaT) * sample[k]
                      - alpha(sigmaT) * (expMinusH(sigmaS, sigmaT) - 1) * x0[k]);
    }
    return result;
  }

  /**
   * DPM-Solver++(2M) midpoint: adds −½·α_t·(e^{−h} − 1)·D1 with D1 = (x₀ − x₀prev)/r, r = h_prev/h.
   */
  private static float[] secondOrder(
      float[] sample,
      double[] x0,
      double[] previousX0,
      double sigmaPrev,
      double sigmaS,
      double sigmaT) {
    double h = lambda(sigmaT) - lambda(sigmaS);
    double r = (lambda(sigmaS) - lambda(sigmaPrev)) / h;
    float[] first = firstOrder(sample, x0, sigmaS, sigmaT);
    float[] result = new float[sample.length];
    for (int k = 0; k < result.length; k++) {
      double d1 = (x0[k] - previousX0[k]) / r;
      result[k] = (float) (first[k] - 0.5 * alpha(sigmaT) * (Math.exp(-h) - 1) * d1);
    }
    return result;
  }

  private static double alpha(double sigma) {
    return 1 / Math.sqrt(sigma * sigma + 1);
  }

  private static double lambda(double sigma) {
    double alpha = alpha(sigma);
    return Math.log(alpha) - Math.log(sigma * alpha);
  }

  private static double expMinusH(double sigmaS, double sigmaT) {
    return Math.exp(-(lambda(sigmaT) - lambda(sigmaS)));
  }

  private static double ratio(double sigmaS, double sigmaT) {
    return sigmaT * alpha(sigmaT) / (sigmaS * alpha(sigmaS));
  }
}
