package dev.tessera.render.schedule;

/**
 * Euler ancestral sampling as diffusers' {@code EulerAncestralDiscreteScheduler}: an Euler step
 * down to σdown = √(σto² − σup²), then fresh noise of standard deviation σup = √(σto²·(σfrom² −
 * σto²)/σfrom²), so the sample lands at level σto. Noise is drawn only where σup &gt; 0, i.e. on
 * every step but the last.
 */
final class EulerAncestralScheduler extends EulerFamilyScheduler {

  EulerAncestralScheduler(PredictionType prediction, SigmaSchedule schedule) {
    super(prediction, schedule);
  }

  @Override
  float[] update(
      float[] modelOutput, float[] sample, double sigmaFrom, double sigmaTo, NoiseSource noise) {
    double sigmaUp =
        Math.sqrt(
            sigmaTo
                * sigmaTo
                * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo)
                / (sigmaFrom * sigmaFrom));
    // clamped because rounding can leave σto² − σup² a hair below zero where it is mathematically
    // σto⁴/σfrom²
    double sigmaDown = Math.sqrt(Math.max(0, sigmaTo * sigmaTo - sigmaUp * sigmaUp));
    float[] fresh = null;
    if (sigmaUp > 0) {
      if (noise == null) {
        throw new IllegalArgumentException(
            "euler-a needs a NoiseSource for every step but the last");
      }
      fresh = noise.randn(sample.length);
      StepCursor.requireSameLength("noise from the NoiseSource", fresh, sample);
    }
    double dt = sigmaDown - sigmaFrom;
    float[] next = new float[sample.length];
    for (int k = 0; k < sample.length; k++) {
      double x = sample[k];
      double derivative = (x - denoised(modelOutput[k], x, sigmaFrom)) / sigmaFrom;
      double value = x + derivative * dt;
      if (fresh != null) {
        value += fresh[k] * sigmaUp;
      }
      next[k] = (float) value;
    }
    return next;
  }
}
