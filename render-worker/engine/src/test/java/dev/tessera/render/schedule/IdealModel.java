package dev.tessera.render.schedule;

/**
 * A UNet stand-in that knows the clean latents x₀: given the model input α·x₀ + s·ε at signal level
 * α (s = √(1−α²)), it returns the exact ε or v = α·ε − s·x₀. A scheduler driven by it must land on
 * x₀.
 */
final class IdealModel {

  private final float[] x0;
  private final PredictionType prediction;
  private final NoiseSchedule schedule;

  IdealModel(float[] x0, PredictionType prediction, NoiseSchedule schedule) {
    this.x0 = x0;
    this.prediction = prediction;
    this.schedule = schedule;
  }

  /**
   * The signal level α of the model input at step i: from σ where the scheduler has sigmas, from ᾱ
   * at the (integer) timestep for DDIM.
   */
  double signal(Scheduler scheduler, int stepIndex) {
    double[] sigmas = scheduler.sigmas();
    if (sigmas == null) {
      return Math.sqrt(schedule.alphaCumprod((int) scheduler.timesteps()[stepIndex]));
    }
    return 1 / Math.sqrt(sigmas[stepIndex] * sigmas[stepIndex] + 1);
  }

  float[] predict(float[] modelInput, double signal) {
    double noiseLevel = Math.sqrt(1 - signal * signal);
    float[] out = new float[modelInput.length];
    for (int k = 0; k < out.length; k++) {
      double eps = (modelInput[k] - signal * x0[k]) / noiseLevel;
      out[k] =
          (float) (prediction == PredictionType.EPSILON ? eps : signal * eps - noiseLevel * x0[k]);
    }
    return out;
  }

  /** Runs {@code scheduler} on {@code sample} from its begin index to the end. */
  float[] denoise(Scheduler scheduler, float[] sample, NoiseSource noise) {
    return denoise(scheduler, sample, noise, scheduler.beginIndex());
  }

  /** Runs {@code scheduler} on {@code sample} from step {@code from} to the end. */
  float[] denoise(Scheduler scheduler, float[] sample, NoiseSource noise, int from) {
    int steps = scheduler.timesteps().length;
    for (int i = from; i < steps; i++) {
      float[] out = predict(scheduler.scaleModelInput(sample, i), signal(scheduler, i));
      sample = scheduler.step(out, i, sample, noise);
    }
    return sample;
  }
}
