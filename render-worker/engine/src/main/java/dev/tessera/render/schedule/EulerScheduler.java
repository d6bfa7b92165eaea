package dev.tessera.render.schedule;

/**
 * Deterministic Euler (Karras et al. 2022, Algorithm 2 without churn) as diffusers' {@code
 * EulerDiscreteScheduler}: x ← x + (x − x₀)/σ · (σnext − σ).
 */
final class EulerScheduler extends EulerFamilyScheduler {

  EulerScheduler(PredictionType prediction, SigmaSchedule schedule) {
    super(prediction, schedule);
  }

  @Override
  float[] update(
      float[] modelOutput, float[] sample, double sigmaFrom, double sigmaTo, NoiseSource noise) {
    double dt = sigmaTo - sigmaFrom;
    float[] next = new float[sample.length];
    for (int k = 0; k < sample.length; k++) {
      double x = sample[k];
      double derivative = (x - denoised(modelOutput[k], x, sigmaFrom)) / sigmaFrom;
      next[k] = (float) (x + derivative * dt);
    }
    return next;
  }
}
