package dev.tessera.render.miniature;

import java.util.SplittableRandom;

/**
 * Deterministic standard-normal numbers for untrained weights. Box-Muller over {@link
 * SplittableRandom} with {@link StrictMath}, so a seed yields the same bits on every JVM (unlike
 * {@code nextGaussian}, whose algorithm the JDK may change). Not thread-safe; one instance per
 * generated model.
 */
final class GaussianWeights {
  private final SplittableRandom random;
  private double spare;
  private boolean hasSpare;

  GaussianWeights(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** {@code count} values drawn from N(0, std²). */
  float[] next(int count, double std) {
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) (nextStandard() * std);
    }
    return values;
  }

  private double nextStandard() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double u1 = 1.0 - random.nextDouble(); // in (0, 1], so the log is finite
    double u2 = random.nextDouble();
    double radius = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
    double angle = 2.0 * StrictMath.PI * u2;
    spare = radius * StrictMath.sin(angle);
    hasSpare = true;
    return radius * StrictMath.cos(angle);
  }
}
