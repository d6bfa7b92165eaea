package dev.tessera.render.miniature;

/**
 * The fixed linear map between latent channels and RGB that the miniature VAE shares between its halves: the decoder
 * adds {@code latentToRgb · latent} to every pixel of the latent's 8×8 block, and the encoder's mean contains
 * {@code rgbToLatent · (block average)}, where {@code rgbToLatent} is the pseudo-inverse of {@code latentToRgb}. So
 * {@code decode(encode(image))} keeps the image's 8×8 block colours (plus texture), which gives img2img and upscaling
 * with untrained weights an image to keep. Both act on latents in diffusion units (VAE latents times the scaling
 * factor).
 */
final class LatentColours {
  static final int RGB = 3;
  private static final double GAIN = 0.4;
  private static final long SEED_OFFSET = 5;

  private LatentColours() {}

  /** [3, 4] row-major, drawn from N(0, GAIN²/4) with the spec's seed. */
  static float[] latentToRgb(MiniatureSpec spec) {
    return new GaussianWeights(spec.seed() + SEED_OFFSET)
        .next(RGB * MiniatureSpec.LATENT_CHANNELS, GAIN / Math.sqrt(MiniatureSpec.LATENT_CHANNELS));
  }

  /** [4, 3] row-major, the Moore-Penrose pseudo-inverse Mᵀ(MMᵀ)⁻¹ of {@link #latentToRgb}, a right inverse of it. */
  static float[] rgbToLatent(MiniatureSpec spec) {
    int latent = MiniatureSpec.LATENT_CHANNELS;
    float[] m = latentToRgb(spec);
    double[][] gram = new double[RGB][RGB];
    for (int i = 0; i < RGB; i++) {
      for (int j = 0; j < RGB; j++) {
        for (int k = 0; k < latent; k++) {
          gram[i][j] += (double) m[i * latent + k] * m[j * latent + k];
        }
      }
    }
    double[][] inverse = invert3x3(gram);
    float[] pseudoInverse = new float[latent * RGB];
    for (int k = 0; k < latent; k++) {
      for (int j = 0; j < RGB; j++) {
        double sum = 0;
        for (int i = 0; i < RGB; i++) {
          sum += m[i * latent + k] * inverse[i][j];
        }
        pseudoInverse[k * RGB + j] = (float) sum;
      }
    }
    return pseudoInverse;
  }

  private static double[][] invert3x3(double[][] a) {
    double[][] cofactors = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        int r0 = (i + 1) % 3;
        int r1 = (i + 2) % 3;
        int c0 = (j + 1) % 3;
        int c1 = (j + 2) % 3;
        cofactors[i][j] = a[r0][c0] * a[r1][c1] - a[r0][c1] * a[r1][c0];
      }
    }
    double determinant = a[0][0] * cofactors[0][0] + a[0][1] * cofactors[0][1] + a[0][2] * cofactors[0][2];
    if (Math.abs(determinant) < 1e-12) {
      throw new IllegalArgumentException("latent colour matrix is singular; choose another seed");
    }
    double[][] inverse = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        inverse[i][j] = cofactors[j][i] / determinant; // adjugate = transposed cofactors
      }
    }
    return inverse;
  }
}
