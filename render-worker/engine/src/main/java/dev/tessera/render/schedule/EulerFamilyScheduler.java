package dev.tessera.render.schedule;

/**
 * What diffusers' Euler and Euler-ancestral schedulers share (see {@link SigmaSchedule#euler}): a
 * sample in σ space x = x₀ + σ·ε that the UNet sees as x/√(σ²+1), and the x₀ prediction from ε or
 * v. Subclasses supply the update from one level to the next.
 */
abstract class EulerFamilyScheduler implements Scheduler {

  private final PredictionType prediction;
  private final SigmaSchedule schedule;
  private final StepCursor cursor;

  EulerFamilyScheduler(PredictionType prediction, SigmaSchedule schedule) {
    this.prediction = prediction;
    this.schedule = schedule;
    this.cursor = new StepCursor(schedule.steps());
  }

  @Override
  public final double[] timesteps() {
    return schedule.timesteps().clone();
  }

  @Override
  public final double[] sigmas() {
    return schedule.sigmas().clone();
  }

  @Override
  public final double initNoiseSigma() {
    return schedule.initNoiseSigma();
  }

  @Override
  public final int order() {
    return 1;
  }

  @Override
  public final void setBeginIndex(int stepIndex) {
    cursor.begin(stepIndex);
  }

  @Override
  public final int beginIndex() {
    return cursor.beginIndex();
  }

  @Override
  public final float[] scaleModelInput(float[] sample, int stepIndex) {
    cursor.checkIndex(stepIndex);
    double sigma = schedule.sigmas()[stepIndex];
    double scale = 1 / Math.sqrt(sigma * sigma + 1);
    float[] scaled = new float[sample.length];
    for (int k = 0; k < sample.length; k++) {
      scaled[k] = (float) (sample[k] * scale);
    }
    return scaled;
  }

  @Override
  public final float[] step(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise) {
    StepCursor.requireSameLength("model output", modelOutput, sample);
    cursor.requireNext(stepIndex);
    double[] sigmas = schedule.sigmas();
    float[] next = update(modelOutput, sample, sigmas[stepIndex], sigmas[stepIndex + 1], noise);
    cursor.completed();
    return next;
  }

  /** The sample at level {@code sigmaTo} from the one at {@code sigmaFrom}, in a new array. */
  abstract float[] update(
      float[] modelOutput, float[] sample, double sigmaFrom, double sigmaTo, NoiseSource noise);

  /** The x₀ the model output implies for sample value {@code x} at level {@code sigma}. */
  final double denoised(double out, double x, double sigma) {
    if (prediction == PredictionType.EPSILON) {
      return x - sigma * out;
    }
    double variance = sigma * sigma + 1;
    return out * (-sigma / Math.sqrt(variance)) + x / variance;
  }

  @Override
  public final float[] addNoise(float[] original, float[] noise, int stepIndex) {
    StepCursor.requireSameLength("noise", noise, original);
    cursor.checkIndex(stepIndex);
    double sigma = schedule.sigmas()[stepIndex];
    float[] noisy = new float[original.length];
    for (int k = 0; k < original.length; k++) {
      noisy[k] = (float) (original[k] + sigma * noise[k]);
    }
    return noisy;
  }
}
