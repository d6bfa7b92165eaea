package dev.tessera.render.upscale;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.RunOptions;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.Guidance;
import dev.tessera.render.pipeline.PlanarImage;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.TileBlend;
import dev.tessera.render.pipeline.TiledPass;
import dev.tessera.render.pipeline.Tiling;
import dev.tessera.render.pipeline.Unet;
import dev.tessera.render.schedule.NoiseSource;
import dev.tessera.render.schedule.Scheduler;

/**
 * The x4 upscaler's denoising loop, tiled as in Mixture of Diffusers: at every step the UNet runs on overlapping
 * tiles of the latent canvas, each with its tile of the noised low-res image (both halves of classifier-free guidance
 * in one batch-2 call where the UNet takes a batch); the guided outputs are blended on a canvas with the tiles'
 * {@link TileBlend} weights ({@link TiledPass}), and the scheduler takes one step on the whole canvas. Because tiles
 * are reconciled on the model output at every step rather than on finished pixels, no seam can form. Beyond the canvas
 * arrays (latents, low-res image, the UNet input they make together, blended output, weights), memory is one tile's.
 * Checks for cancellation before every tile and reports progress after every step.
 */
final class TiledDenoiseLoop {
  /** The x4 UNet's input: latents, then the noised low-res RGB. */
  static final int CHANNELS = 7;
  private static final int LATENT_CHANNELS = Unet.LATENT_CHANNELS;

  private final Unet unet;
  private final TiledPass pass;

  TiledDenoiseLoop(Unet unet, Tiling tiling, TileBlend blend) {
    this.unet = unet;
    this.pass = new TiledPass(tiling, blend, 1, LATENT_CHANNELS);
  }

  /**
   * Denoises {@code latents} [4, h, w] over all of the scheduler's timesteps.
   *
   * @param lowRes the noised low-res image [3, h, w] in [-1, 1]
   * @param context text conditioning: two rows (negative, then positive) when {@code guidance} is enabled, else one
   */
  float[] run(Scheduler scheduler, float[] latents, float[] lowRes, int h, int w, Unet.Context context,
      double guidance, int noiseLevel, NoiseSource noise, RenderListener listener, CancelToken cancel, RunOptions run)
      throws OrtException {
    boolean guided = Guidance.enabled(guidance);
    int batch = guided ? 2 : 1;
    PlanarImage image = new PlanarImage(lowRes, CHANNELS - LATENT_CHANNELS, h, w);
    double[] timesteps = scheduler.timesteps();
    for (int i = 0; i < timesteps.length; i++) {
      PlanarImage input = new PlanarImage(scheduler.scaleModelInput(latents, i), LATENT_CHANNELS, h, w).stack(image);
      double t = timesteps[i];
      TiledPass.Output blended = pass.run(input, unet.label(), tile -> {
        int size = tile.values().length;
        float[] x = new float[batch * size];
        for (int b = 0; b < batch; b++) {
          System.arraycopy(tile.values(), 0, x, b * size, size);
        }
        float[] out = unet.predict(x, batch, CHANNELS, tile.height(), tile.width(), t, noiseLevel, context, run);
        return guided ? Guidance.combine(out, guidance) : out;
      }, cancel);
      latents = scheduler.step(blended.image().values(), i, latents, noise);
      listener.onStep(i + 1, timesteps.length);
    }
    return latents;
  }
}
