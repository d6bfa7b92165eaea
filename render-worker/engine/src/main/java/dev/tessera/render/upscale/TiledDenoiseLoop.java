package dev.tessera.render.upscale;

import dev.tessera.render.pipeline.Unet;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.RunOptions;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.Guidance;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.schedule.NoiseSource;
import dev.tessera.render.schedule.Scheduler;

/**
 * The x4 upscaler's denoising loop, tiled as in Mixture of Diffusers: at every step the UNet runs on overlapping
 * tiles of the latent canvas, each with its tile of the noised low-res image (both halves of classifier-free guidance
 * in one batch-2 call where the UNet takes a batch); the guided outputs are blended on a canvas with the tiles'
 * {@link TileBlend} weights, and the scheduler takes one step on the whole canvas. Because tiles are reconciled on the
 * model output at every step rather than on finished pixels, no seam can form. Beyond the canvas arrays (latents,
 * low-res image, blended output, weights), memory is one tile's. Checks for cancellation before every tile and reports
 * progress after every step.
 */
final class TiledDenoiseLoop {
  /** The x4 UNet's input: latents, then the noised low-res RGB. */
  static final int CHANNELS = 7;
  private static final int LATENT_CHANNELS = Unet.LATENT_CHANNELS;
  private static final int LOW_RES_CHANNELS = CHANNELS - LATENT_CHANNELS;

  private final Unet unet;
  private final Tiling tiling;
  private final TileBlend blend;

  TiledDenoiseLoop(Unet unet, Tiling tiling, TileBlend blend) {
    this.unet = unet;
    this.tiling = tiling;
    this.blend = blend;
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
    int[] ys = tiling.starts(h);
    int[] xs = tiling.starts(w);
    int th = Math.min(tiling.size(), h);
    int tw = Math.min(tiling.size(), w);
    int plane = h * w;
    int tilePlane = th * tw;
    double[] timesteps = scheduler.timesteps();
    for (int i = 0; i < timesteps.length; i++) {
      float[] input = scheduler.scaleModelInput(latents, i);
      float[] sum = new float[LATENT_CHANNELS * plane];
      float[] weight = new float[plane];
      float[] x = new float[batch * CHANNELS * tilePlane];
      for (int y0 : ys) {
        for (int x0 : xs) {
          cancel.check();
          copyTile(input, LATENT_CHANNELS, h, w, y0, x0, th, tw, x, 0);
          copyTile(lowRes, LOW_RES_CHANNELS, h, w, y0, x0, th, tw, x, LATENT_CHANNELS);
          if (guided) {
            System.arraycopy(x, 0, x, CHANNELS * tilePlane, CHANNELS * tilePlane);
          }
          float[] out = unet.predict(x, batch, CHANNELS, th, tw, timesteps[i], noiseLevel, context, run);
          float[] prediction = guided ? Guidance.combine(out, guidance) : out;
          float[] tileWeights = blend.weights(th, tw, tiling.overlap(), y0 == 0, y0 + th == h, x0 == 0, x0 + tw == w);
          accumulate(prediction, tileWeights, h, w, y0, x0, th, tw, sum, weight);
        }
      }
      for (int c = 0; c < LATENT_CHANNELS; c++) {
        for (int p = 0; p < plane; p++) {
          sum[c * plane + p] /= weight[p];
        }
      }
      latents = scheduler.step(sum, i, latents, noise);
      listener.onStep(i + 1, timesteps.length);
    }
    return latents;
  }

  /** Copies {@code channels} planes of a tile into {@code tile} [7, th, tw] starting at channel {@code firstChannel}. */
  private static void copyTile(float[] canvas, int channels, int h, int w, int y0, int x0, int th, int tw,
      float[] tile, int firstChannel) {
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < th; y++) {
        System.arraycopy(canvas, (c * h + y0 + y) * w + x0, tile, ((firstChannel + c) * th + y) * tw, tw);
      }
    }
  }

  private static void accumulate(float[] prediction, float[] tileWeights, int h, int w, int y0, int x0, int th,
      int tw, float[] sum, float[] weight) {
    for (int y = 0; y < th; y++) {
      int row = (y0 + y) * w + x0;
      for (int x = 0; x < tw; x++) {
        weight[row + x] += tileWeights[y * tw + x];
      }
      for (int c = 0; c < LATENT_CHANNELS; c++) {
        int src = (c * th + y) * tw;
        int dst = c * h * w + row;
        for (int x = 0; x < tw; x++) {
          sum[dst + x] += prediction[src + x] * tileWeights[y * tw + x];
        }
      }
    }
  }
}
