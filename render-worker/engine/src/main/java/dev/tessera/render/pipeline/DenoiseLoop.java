package dev.tessera.render.pipeline;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.RunOptions;
import dev.tessera.render.schedule.NoiseSource;
import dev.tessera.render.schedule.Scheduler;

/**
 * The denoising loop: at each of the scheduler's timesteps, scale the latents, predict with the UNet (both halves of
 * classifier-free guidance in one batch-2 call where the UNet takes a batch), guide, and let the scheduler step.
 * Checks for cancellation before every step and reports progress after it.
 */
final class DenoiseLoop {
  private final Unet unet;

  DenoiseLoop(Unet unet) {
    this.unet = unet;
  }

  /**
   * Denoises {@code latents} over the timesteps of {@code scheduler} from its begin index on.
   *
   * @param context text conditioning: two rows (negative, then positive) when {@code guidance} is enabled, else one
   */
  float[] run(
      Scheduler scheduler,
      float[] latents,
      LatentShape shape,
      Unet.Context context,
      double guidance,
      NoiseSource noise,
      RenderListener listener,
      CancelToken cancel,
      RunOptions run)
      throws OrtException {
    boolean guided = Guidance.enabled(guidance);
    double[] timesteps = scheduler.timesteps();
    int h = shape.height();
    int w = shape.width();
    int c = shape.channels();
    int begin = scheduler.beginIndex();
    for (int i = begin; i < timesteps.length; i++) {
      cancel.check();
      float[] input = scheduler.scaleModelInput(latents, i);
      float[] prediction;
      if (guided) {
        float[] pair = new float[input.length * 2];
        System.arraycopy(input, 0, pair, 0, input.length);
        System.arraycopy(input, 0, pair, input.length, input.length);
        prediction = Guidance.combine(unet.predict(pair, 2, c, h, w, timesteps[i], context, run), guidance);
      } else {
        prediction = unet.predict(input, 1, c, h, w, timesteps[i], context, run);
      }
      latents = scheduler.step(prediction, i, latents, noise);
      listener.onStep(i - begin + 1, timesteps.length - begin);
    }
    return latents;
  }
}
