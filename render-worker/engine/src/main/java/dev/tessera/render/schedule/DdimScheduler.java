package dev.tessera.render.schedule;

/**
 * Deterministic DDIM (η = 0) as diffusers' {@code DDIMScheduler}: integer timesteps, the previous
 * level is always {@code t − N/steps} (not the next listed timestep) and below 0 it is ᾱ = 1 or ᾱ₀
 * per {@code set_alpha_to_one}. The sample is variance preserving, so model input scaling is the
 * identity.
 */
final class DdimScheduler implements Scheduler {

  private final NoiseSchedule schedule;
  private final PredictionType prediction;
  private final double finalAlphaCumprod;
  private final boolean clipSample;
  private final double clipSampleRange;
  private final int stepRatio;
  private final double[] timesteps;
  private final StepCursor cursor;

  DdimScheduler(SchedulerConfig config, NoiseSchedule schedule, int steps, Spacing spacing) {
    this.schedule = schedule;
    this.prediction = config.predictionType();
    this.finalAlphaCumprod = config.setAlphaToOne() ? 1.0 : schedule.alphaCumprod(0);
    this.clipSample = config.clipSample();
    this.clipSampleRange = config.clipSampleRange();
    this.stepRatio = schedule.size() / steps;
    this.timesteps = SpacedTimesteps.ddim(spacing, schedule.size(), steps, config.stepsOffset());
    for (double t : timesteps) {
      if (t < 0 || t >= schedule.size()) {
        throw new IllegalArgumentException(
            "ddim: "
                + steps
                + " "
                + spacing.configName()
                + " steps with steps_offset "
                + config.stepsOffset()
                + " reach timestep "
                + (long) t
                + ", outside the training range 0.."
                + (schedule.size() - 1));
      }
    }
    this.cursor = new StepCursor(steps);
  }

  @Override
  public double[] timesteps() {
    return timesteps.clone();
  }

  @Override
  public double[] sigmas() {
    return null;
  }

  @Override
  public double initNoiseSigma() {
    return 1.0;
  }

  @Override
  public int order() {
    return 1;
  }

  @Override
  public void setBeginIndex(int stepIndex) {
    cursor.begin(stepIndex);
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
    int timestep = (int) timesteps[stepIndex];
    int previous = timestep - stepRatio;
    double alpha = schedule.alphaCumprod(timestep);
    double alphaPrev = previous >= 0 ? schedule.alphaCumprod(previous) : finalAlphaCumprod;
    double signal = Math.sqrt(alpha);
    double noiseLevel = Math.sqrt(1 - alpha);
    double signalPrev = Math.sqrt(alphaPrev);
    double noiseLevelPrev = Math.sqrt(1 - alphaPrev);
    float[] next = new float[sample.length];
    for (int k = 0; k < sample.length; k++) {
      double x = sample[k];
      double out = modelOutput[k];
      double x0;
      double eps;
      if (prediction == PredictionType.EPSILON) {
        x0 = (x - noiseLevel * out) / signal;
        eps = out;
      } else {
        x0 = signal * x - noiseLevel * out;
        eps = signal * out + noiseLevel * x;
      }
      if (clipSample) {
        // diffusers clamps x0 but keeps the predicted noise (use_clipped_model_output = False)
        x0 = Math.max(-clipSampleRange, Math.min(clipSampleRange, x0));
      }
      next[k] = (float) (signalPrev * x0 + noiseLevelPrev * eps);
    }
    cursor.completed();
    return next;
  }

  @Override
  public float[] addNoise(float[] original, float[] noise, int stepIndex) {
    StepCursor.requireSameLength("noise", noise, original);
    cursor.checkIndex(stepIndex);
    double alpha = schedule.alphaCumprod((int) timesteps[stepIndex]);
    double signal = Math.sqrt(alpha);
    double noiseLevel = Math.sqrt(1 - alpha);
    float[] noisy = new float[original.length];
    for (int k = 0; k < original.length; k++) {
      noisy[k] = (float) (signal * original[k] + noiseLevel * noise[k]);
    }
    return noisy;
  }
}
