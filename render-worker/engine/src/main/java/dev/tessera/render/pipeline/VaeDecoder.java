package dev.tessera.render.pipeline;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.RunOptions;
import dev.tessera.render.onnx.OnnxModel;

/**
 * A VAE-decoder stage: latents (divided by the scaling factor) to an RGB image in [-1, 1], {@code
 * scale} times their size; ×8 for Stable Diffusion, ×4 for the x4 upscaler. Latents larger than a
 * tile are decoded in overlapping tiles whose outputs are cross-faded linearly across the overlap
 * ({@link TiledPass}), so the model never sees more than one tile and its working memory stays that
 * of one tile.
 *
 * <p>Does not own the model; whoever loaded it closes it.
 */
public final class VaeDecoder {
  /** Pixels per latent along each axis in SD's VAE. */
  public static final int SD_SCALE = 8;

  private final ImageNetwork network;
  private final double scalingFactor;
  private final TiledPass pass;

  /**
   * @param scale pixels per latent along each axis
   * @param tiling decode tiles, in latents
   */
  public VaeDecoder(
      OrtEnvironment env, OnnxModel model, double scalingFactor, int scale, Tiling tiling) {
    this.network = new ImageNetwork(env, model, model.input("latent_sample"));
    this.scalingFactor = scalingFactor;
    this.pass = new TiledPass(tiling, TileBlend.LINEAR, scale, 3);
  }

  /**
   * Decodes one image's latents {@code [4, h, w]} (already denoised, not yet divided by the scaling
   * factor) to {@code [3, scale·h, scale·w]}.
   *
   * @throws RenderCancelledException when {@code cancel} is cancelled between tiles
   */
  public TiledPass.Output decode(PlanarImage latents, CancelToken cancel, RunOptions run)
      throws OrtException {
    float[] values = latents.values();
    float[] scaled = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      scaled[i] = (float) (values[i] / scalingFactor);
    }
    return pass.run(
        latents.withValues(scaled),
        network.model().label(),
        tile -> network.run(tile, run),
        cancel);
  }
}
