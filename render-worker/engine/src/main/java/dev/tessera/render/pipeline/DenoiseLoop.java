package dev.tessera.render.pipeline;

import ai.onnxruntime.OrtException;
import dev.tessera.render.schedule.Scheduler;

/**
 * The denoising loop: at each of the scheduler's timesteps, scale the latents, predict with the
 * UNet (guided: {@link Unet#predict}), and let the scheduler step. Checks for cancellation before
 * every step and reports progress after it.
 */
final class DenoiseLoop {
  private final Unet unet;

  DenoiseLoop(Unet unet) {
    this.unet = unet;
  }

  /** Denoises {@code latents} over the timesteps of the scheduler from its begin index on. */
  PlanarImage run(
      Sampling sampling, PlanarImage latents, Conditioning conditioning, RunControl control)
      throws OrtException {
    Scheduler scheduler = sampling.scheduler();
    double[] timesteps = scheduler.timesteps();
    int begin = scheduler.beginIndex();
    float[] x = latents.values();
    for (int i = begin; i < timesteps.length; i++) {
      control.cancel().check();
      PlanarImage input = latents.withValues(scheduler.scaleModelInput(x, i));
      float[] prediction = unet.predict(input, timesteps[i], conditioning, control.run());
      x = scheduler.step(prediction, i, x, sampling.noise());
      control.listener().onStep(i - begin + 1, timesteps.length - begin);
    }
    return latents.withValues(x);
  }
}
