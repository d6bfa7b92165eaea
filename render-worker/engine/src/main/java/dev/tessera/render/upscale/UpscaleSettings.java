package dev.tessera.render.upscale;

import dev.tessera.common.RenderSettings;
import dev.tessera.render.pipeline.UnsupportedRequestException;

/**
 * What the x4 upscaler is given for one job, with the meaning of diffusers' {@code
 * StableDiffusionUpscalePipeline} arguments; the sr and lanczos upscalers ignore it. Construction
 * never throws; {@link Upscaler#check} does.
 *
 * @param prompt conditioning text, usually the render's prompt
 * @param negativePrompt text steered away from; empty for none
 * @param seed seeds the noise added to the low-res image, then the initial latents (diffusers'
 *     order)
 * @param steps DDIM steps
 * @param guidance classifier-free guidance scale; at most 1 turns guidance off
 * @param noiseLevel timestep of the low-res DDPM schedule at which the low-res image is noised;
 *     also the UNet's {@code class_labels}
 */
public record UpscaleSettings(
    String prompt, String negativePrompt, long seed, int steps, double guidance, int noiseLevel) {
  public static final int DEFAULT_STEPS = 20;

  /** diffusers' default guidance for the x4 upscaler. */
  public static final double DEFAULT_GUIDANCE = 9.0;

  /** diffusers' default noise level for the x4 upscaler. */
  public static final int DEFAULT_NOISE_LEVEL = 20;

  /** The defaults for a render's prompts and seed. */
  public static UpscaleSettings of(String prompt, String negativePrompt, long seed) {
    return new UpscaleSettings(
        prompt, negativePrompt, seed, DEFAULT_STEPS, DEFAULT_GUIDANCE, DEFAULT_NOISE_LEVEL);
  }

  /**
   * Checks the numbers against the limits of renders and a bundle's {@code max_noise_level}.
   *
   * @throws UnsupportedRequestException naming the first bad setting
   */
  void check(int maxNoiseLevel) {
    if (steps < 1 || steps > RenderSettings.MAX_STEPS) {
      throw new UnsupportedRequestException(
          "upscale steps must be between 1 and " + RenderSettings.MAX_STEPS + ", got " + steps);
    }
    if (!(guidance >= 0 && guidance <= RenderSettings.MAX_GUIDANCE)) {
      throw new UnsupportedRequestException(
          "upscale guidance must be between 0 and "
              + (int) RenderSettings.MAX_GUIDANCE
              + ", got "
              + guidance);
    }
    if (noiseLevel < 0 || noiseLevel > maxNoiseLevel) {
      throw new UnsupportedRequestException(
          "noise level must be between 0 and "
              + maxNoiseLevel
              + " (the bundle's max_noise_level), got "
              + noiseLevel);
    }
  }
}
