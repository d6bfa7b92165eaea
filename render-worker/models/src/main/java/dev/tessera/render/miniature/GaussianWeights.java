package dev.tessera.render.miniature;

import java.util.SplittableRandom;

/**
 * Deterministic standard-normal numbers for untrained weights. Box-Muller over {@link
 * SplittableRandom} with {@link StrictMath}, so a seed yields the same bits on every JVM (unlike
 * {@code nextGaussian}, whose algorithm the JDK may change). Not thread-safe; one instance per
 * generated model.
 *
 * <p>The {@link #uniform} variant draws from the uniform distribution of the same variance instead:
 * a full-size stand-in needs over a billion numbers, and the logarithm and sine per pair would make
 * writing one take minutes; its activations only need the right scale.
 */
final class GaussianWeights {
  private static final double SQRT_3 = Math.sqrt(3);

  private final SplittableRandom random;
  private final boolean uniform;
  private double spare;
  private boolean hasSpare;

  GaussianWeights(long seed) {
    this(seed, false);
  }

  private GaussianWeights(long seed, boolean uniform) {
    this.random = new SplittableRandom(seed);
    this.uniform = uniform;
  }

  /** Numbers from U(-√3, √3), of mean 0 and variance 1, scaled like the Gaussian ones. */
  static GaussianWeights uniform(long seed) {
    return new GaussianWeights(seed, true);
  }

  /** {@code count} values drawn from N(0, std²) (or the uniform law of that variance). */
  float[] next(int count, double std) {
    float[] values = new float[count];
    if (uniform) {
      double scale = SQRT_3 * std;
      for (int i = 0; i < count; i++) {
        values[i] = (float) ((2 * random.nextDouble() - 1) * scale);
      }
      return values;
    }
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
