package dev.tessera.render.pipeline;

/**
 * Classifier-free guidance: how the unconditional and the text-conditioned predictions are
 * combined.
 */
public final class Guidance {
  private Guidance() {}

  /**
   * Whether {@code scale} calls for guidance at all: as in diffusers, only a scale above 1 does.
   */
  public static boolean enabled(double scale) {
    return scale > 1;
  }

  /**
   * {@code uncond + scale * (cond - uncond)}, where {@code batchOut} holds the unconditional
   * prediction in its first half and the conditioned one in its second (the order the prompts were
   * encoded in).
   */
  public static float[] combine(float[] batchOut, double scale) {
    int size = batchOut.length / 2;
    float[] out = new float[size];
    float g = (float) scale;
    for (int i = 0; i < size; i++) {
      float uncond = batchOut[i];
      out[i] = uncond + g * (batchOut[size + i] - uncond);
    }
    return out;
  }
}
