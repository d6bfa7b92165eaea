package dev.tessera.render.noise;

/**
 * Gaussian noise that reproduces PyTorch's CPU generator, so a seed gives the same initial latents
 * as diffusers with {@code torch.Generator("cpu").manual_seed(seed)} and the same per-step noise
 * when the sampler keeps drawing from that generator.
 *
 * <p>It follows torch's {@code normal_fill} for float32 tensors of at least 16 elements: all slots
 * are first filled with 24-bit uniforms from MT19937, then every full block of 16 goes through a
 * Box-Muller transform pairing slot {@code j} with slot {@code j + 8}; when the size is not a
 * multiple of 16, the last 16 slots are refilled with fresh uniforms and transformed again.
 * Arithmetic is float, as in torch; torch's vectorised kernel uses SLEEF approximations of
 * log/sin/cos, so the last bit of a value may differ, never more.
 *
 * <p>Each {@link #randn} call continues the stream where the previous one stopped, exactly as
 * successive {@code torch.randn(..., generator=g)} calls do. Not thread-safe: one instance per
 * render job.
 */
public final class TorchNoise {
  /**
   * Below this many elements torch draws each value with a different (double precision) algorithm.
   */
  public static final int MIN_ELEMENTS = 16;

  private static final int BLOCK = 16;
  private static final int HALF = BLOCK / 2;
  private static final float UNIFORM_SCALE = 0x1.0p-24f;

  private final Mt19937 engine;

  /**
   * A stream equal to torch's after {@code manual_seed(seed)}; only the low 32 bits of the seed
   * matter.
   */
  public TorchNoise(long seed) {
    this.engine = new Mt19937(seed);
  }

  /**
   * Draws {@code n} standard normal values, the flattened content of {@code torch.randn} of any
   * shape with {@code n} elements.
   *
   * @param n element count, at least {@link #MIN_ELEMENTS}
   * @return a new array the caller owns
   */
  public float[] randn(int n) {
    if (n < MIN_ELEMENTS) {
      throw new IllegalArgumentException(
          "randn: n = "
              + n
              + " but at least "
              + MIN_ELEMENTS
              + " elements are needed; torch draws smaller tensors with another algorithm that this class does not"
              + " reproduce");
    }
    float[] data = new float[n];
    fillUniform(data, 0, n);
    for (int i = 0; i + BLOCK <= n; i += BLOCK) {
      boxMuller(data, i);
    }
    if (n % BLOCK != 0) {
      // torch recomputes the tail window from fresh uniforms, overwriting values of the last full
      // block.
      fillUniform(data, n - BLOCK, n);
      boxMuller(data, n - BLOCK);
    }
    return data;
  }

  /**
   * Uniform floats in [0, 1) from the low 24 bits of each draw, as torch's float uniform
   * distribution does.
   */
  private void fillUniform(float[] data, int from, int to) {
    for (int i = from; i < to; i++) {
      data[i] = (engine.nextInt() & 0xffffff) * UNIFORM_SCALE;
    }
  }

  private static void boxMuller(float[] data, int offset) {
    for (int j = offset; j < offset + HALF; j++) {
      float u1 = 1f - data[j]; // (0, 1], so the log is finite
      float u2 = data[j + HALF];
      float radius = (float) Math.sqrt(-2f * (float) Math.log(u1));
      float theta = (float) (2.0 * Math.PI * u2);
      data[j] = radius * (float) Math.cos(theta);
      data[j + HALF] = radius * (float) Math.sin(theta);
    }
  }
}
