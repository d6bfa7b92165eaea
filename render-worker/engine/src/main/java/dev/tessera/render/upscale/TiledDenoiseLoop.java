package dev.tessera.render.upscale;

import ai.onnxruntime.OrtException;
import dev.tessera.render.pipeline.Conditioning;
import dev.tessera.render.pipeline.PlanarImage;
import dev.tessera.render.pipeline.RunControl;
import dev.tessera.render.pipeline.Sampling;
import dev.tessera.render.pipeline.TileBlend;
import dev.tessera.render.pipeline.TiledPass;
import dev.tessera.render.pipeline.Tiling;
import dev.tessera.render.pipeline.Unet;
import dev.tessera.render.schedule.Scheduler;

/**
 * The x4 upscaler's denoising loop, tiled as in Mixture of Diffusers: at every step the UNet runs
 * on overlapping tiles of the latent canvas, each with its tile of the noised low-res image (both
 * halves of classifier-free guidance in one batch-2 call where the UNet takes a batch, and several
 * tiles in one call where the export's batch is dynamic); the guided outputs are blended on a
 * canvas with the tiles' {@link TileBlend} weights ({@link TiledPass}), and the scheduler takes one
 * step on the whole canvas. Because tiles are reconciled on the model output at every step rather
 * than on finished pixels, no seam can form. Beyond the canvas arrays (latents, low-res image, the
 * UNet input they make together, blended output, weights), memory is one tile's. Checks for
 * cancellation before every tile and reports progress after every step.
 */
final class TiledDenoiseLoop {
  /** The x4 UNet's input: latents, then the noised low-res RGB. */
  static final int CHANNELS = 7;

  private final Unet unet;
  private final TiledPass pass;
  private final int tileBatch;

  /**
   * @param tileBatch tiles per UNet call; more than 1 needs an export with a dynamic batch
   */
  TiledDenoiseLoop(Unet unet, Tiling tiling, TileBlend blend, int tileBatch) {
    this.unet = unet;
    this.pass = new TiledPass(tiling, blend, 1, Unet.LATENT_CHANNELS);
    this.tileBatch = tileBatch;
  }

  /** Denoises {@code latents} [4, h, w] over all of the scheduler's timesteps. */
  PlanarImage run(
      Sampling sampling,
      PlanarImage latents,
      LowRes lowRes,
      Conditioning conditioning,
      RunControl control)
      throws OrtException {
    Scheduler scheduler = sampling.scheduler();
    double[] timesteps = scheduler.timesteps();
    float[] x = latents.values();
    for (int i = 0; i < timesteps.length; i++) {
      PlanarImage input = latents.withValues(scheduler.scaleModelInput(x, i)).stack(lowRes.image());
      double t = timesteps[i];
      TiledPass.Output blended =
          pass.run(
              input,
              unet.label(),
              tiles ->
                  unet.predictTiles(tiles, t, lowRes.noiseLevel(), conditioning, control.run()),
              tileBatch,
              control.cancel());
      x = scheduler.step(blended.image().values(), i, x, sampling.noise());
      control.listener().onStep(i + 1, timesteps.length);
    }
    return latents.withValues(x);
  }
}
