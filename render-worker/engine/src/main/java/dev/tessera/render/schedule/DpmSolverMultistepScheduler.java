package dev.tessera.render.schedule;

/**
 * DPM-Solver++(2M) as diffusers' {@code DPMSolverMultistepScheduler} with algorithm {@code
 * dpmsolver++}, solver order 2, midpoint solver type and final σ 0. The sample is variance
 * preserving: at level σ it is α·x₀ + s·ε with α = 1/√(σ²+1), s = σ·α, so the initial noise is N(0,
 * 1) and model input scaling is the identity. The first step after the begin index and the last
 * step are first order (the last step lands on σ = 0, where the second-order correction is
 * undefined); the others use the previous step's x₀ prediction as well.
 */
final class DpmSolverMultistepScheduler implements Scheduler {

  private final PredictionType prediction;
  private final SigmaSchedule schedule;
  private final StepCursor cursor;

  /** The x₀ prediction of the previous step of this render; {@code null} before its first step. */
  private double[] previousDenoised;

  DpmSolverMultistepScheduler(PredictionType prediction, SigmaSchedule schedule) {
    this.prediction = prediction;
    this.schedule = schedule;
    this.cursor = new StepCursor(schedule.steps());
  }

  @Override
  public double[] timesteps() {
    return schedule.timesteps().clone();
  }

  @Override
  public double[] sigmas() {
    return schedule.sigmas().clone();
  }

  @Override
  public double initNoiseSigma() {
    return schedule.initNoiseSigma();
  }

  @Override
  public int order() {
    return 1;
  }

  @Override
  public void setBeginIndex(int stepIndex) {
    cursor.begin(stepIndex);
    previousDenoised = null;
  }

  @Override
  public int beginIndex() {
    return cursor.beginIndex();
  }

  @Override
  public float[] scaleModelInput(float[] sample, int stepIndex) {
    cursor.checkIndex(stepIndex);
    return sample;
  }

  @Override
  public float[] step(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
    StepCursor.requireSameLength("model output", modelOutput, sample);
    cursor.requireNext(stepIndex);
    double[] sigmas = schedule.sigmas();
    Level from = new Level(sigmas[stepIndex]);
    Level to = new Level(sigmas[stepIndex + 1]);
    double[] denoised = denoise(modelOutput, sample, from);
    // e^{-h} with h = λto − λfrom; written as a ratio so that σto = 0 (λ = +∞) gives 0 without ∞·0
    double expMinusH = (to.noise / to.signal) / (from.noise / from.signal);
    double sampleCoefficient = to.noise / from.noise;
    double denoisedCoefficient = -to.signal * (expMinusH - 1);
    boolean firstOrder = previousDenoised == null || cursor.isLast(stepIndex);
    float[] next = new float[sample.length];
    if (firstOrder) {
      for (int k = 0; k < sample.length; k++) {
        next[k] = (float) (sampleCoefficient * sample[k] + denoisedCoefficient * denoised[k]);
      }
    } else {
      Level before = new Level(sigmas[stepIndex - 1]);
      double h = to.lambda() - from.lambda();
      double r0 = (from.lambda() - before.lambda()) / h;
      for (int k = 0; k < sample.length; k++) {
        double d1 = (denoised[k] - previousDenoised[k]) / r0;
        next[k] =
            (float)
                (sampleCoefficient * sample[k]
                    + denoisedCoefficient * denoised[k]
                    + 0.5 * denoisedCoefficient * d1);
      }
    }
    previousDenoised = denoised;
    cursor.completed();
    return next;
  }

  private double[] denoise(float[] modelOutput, float[] sample, Level level) {
    double[] denoised = new double[sample.length];
    for (int k = 0; k < sample.length; k++) {
      denoised[k] =
          prediction == PredictionType.EPSILON
              ? (sample[k] - level.noise * modelOutput[k]) / level.signal
              : level.signal * sample[k] - level.noise * modelOutput[k];
    }
    return denoised;
  }

  @Override
  public float[] addNoise(float[] original, float[] noise, int stepIndex) {
    StepCursor.requireSameLength("noise", noise, original);
    cursor.checkIndex(stepIndex);
    Level level = new Level(schedule.sigmas()[stepIndex]);
    float[] noisy = new float[original.length];
    for (int k = 0; k < original.length; k++) {
      noisy[k] = (float) (level.signal * original[k] + level.noise * noise[k]);
    }
    return noisy;
  }

  /** A noise level σ in the variance-preserving form: signal α = 1/√(σ²+1) and noise s = σ·α. */
  private record Level(double signal, double noise) {

    Level(double sigma) {
      this(1 / Math.sqrt(sigma * sigma + 1), sigma / Math.sqrt(sigma * sigma + 1));
    }

    /** λ = log α − log s, the half log-SNR the solver steps in. */
    double lambda() {
      return Math.log(signal) - Math.log(noise);
    }
  }
}
