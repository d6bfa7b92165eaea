package dev.tessera.render.miniature;

/**
 * The fixed linear map between latent channels and RGB that the two halves of the miniature VAE
 * share: the decoder adds {@code latentToRgb · latent} to every pixel of the latent's 8×8 block,
 * and the encoder's mean contains {@code rgbToLatent · (block average)}, a right inverse. So {@code
 * decode(encode(image))} keeps the image's 8×8 block colours (plus texture), which gives img2img
 * and upscaling with untrained weights an image to keep. Both act on latents in diffusion units
 * (VAE latents times the scaling factor).
 *
 * <p>The three rows of {@code latentToRgb} are orthogonal with norm {@value #ROW_NORM}: unit
 * latents give colours of standard deviation about {@value #ROW_NORM}, and its pseudo-inverse is
 * simply the transpose over {@code ROW_NORM²}, so encoding colours of [-1, 1] gives latents of
 * unit-ish scale.
 */
final class LatentColours {
  static final int RGB = 3;
  private static final double ROW_NORM = 0.35;
  private static final long SEED_OFFSET = 5;

  private LatentColours() {}

  /**
   * [3, 4] row-major: random orthogonal directions drawn with the spec's seed, scaled to {@value
   * #ROW_NORM}.
   */
  static float[] latentToRgb(MiniatureSpec spec) {
    int latent = MiniatureSpec.LATENT_CHANNELS;
    float[] drawn = new GaussianWeights(spec.weights().seed() + SEED_OFFSET).next(RGB * latent, 1);
    double[][] rows = new double[RGB][latent];
    for (int i = 0; i < RGB; i++) {
      for (int k = 0; k < latent; k++) {
        rows[i][k] = drawn[i * latent + k];
      }
      // Gram-Schmidt against the rows before
      for (int j = 0; j < i; j++) {
        double dot = 0;
        for (int k = 0; k < latent; k++) {
          dot += rows[i][k] * rows[j][k];
        }
        for (int k = 0; k < latent; k++) {
          rows[i][k] -= dot * rows[j][k];
        }
      }
      double norm = 0;
      for (int k = 0; k < latent; k++) {
        norm += rows[i][k] * rows[i][k];
      }
      norm = Math.sqrt(norm);
      for (int k = 0; k < latent; k++) {
        rows[i][k] /= norm;
      }
    }
    float[] matrix = new float[RGB * latent];
    for (int i = 0; i < RGB; i++) {
      for (int k = 0; k < latent; k++) {
        matrix[i * latent + k] = (float) (rows[i][k] * ROW_NORM);
      }
    }
    return matrix;
  }

  /**
   * [4, 3] row-major, the pseudo-inverse of {@link #latentToRgb}: its transpose divided by {@code
   * ROW_NORM²}.
   */
  static float[] rgbToLatent(MiniatureSpec spec) {
    int latent = MiniatureSpec.LATENT_CHANNELS;
    float[] m = latentToRgb(spec);
    float[] inverse = new float[latent * RGB];
    for (int i = 0; i < RGB; i++) {
      for (int k = 0; k < latent; k++) {
        inverse[k * RGB + i] = (float) (m[i * latent + k] / (ROW_NORM * ROW_NORM));
      }
    }
    return inverse;
  }
}
