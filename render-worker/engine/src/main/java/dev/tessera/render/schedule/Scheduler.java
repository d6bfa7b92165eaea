package dev.tessera.render.schedule;

/**
 * A diffusion sampler with diffusers semantics, for one render: create one per image with {@link
 * Schedulers#create}, use it from one thread, then drop it. It is stateful like a diffusers
 * scheduler (multistep solvers remember earlier model outputs).
 *
 * <p>Step indices are absolute positions in {@link #timesteps()}. A render runs every step from the
 * begin index (0 unless {@link #setBeginIndex} moved it, as image-to-image does) to the last, in
 * order; {@link #step} rejects an index out of that order. This mirrors diffusers, where the
 * img2img pipeline slices {@code timesteps[t_start * order:]} and calls {@code
 * set_begin_index(t_start * order)}:
 *
 * <pre>{@code
 * Scheduler s = Schedulers.create("euler", config, steps, false, null);
 * float[] x = scale(randn, s.initNoiseSigma());                 // text-to-image
 * // image-to-image instead, with strength k:
 * //   int start = steps - Math.min((int) Math.floor(steps * k), steps);
 * //   s.setBeginIndex(start * s.order());
 * //   float[] x = s.addNoise(cleanLatents, randn, s.beginIndex());
 * double[] t = s.timesteps();
 * for (int i = s.beginIndex(); i < t.length; i++) {
 *     float[] out = unet(s.scaleModelInput(x, i), t[i]);
 *     x = s.step(out, i, x, noise);
 * }
 * }</pre>
 *
 * Arrays passed in are never modified; arrays returned are new unless a method says otherwise.
 */
public interface Scheduler {

  /**
   * The model timesteps, one per step, descending: what is fed to the UNet at each step (a copy).
   */
  double[] timesteps();

  /**
   * The noise levels σ, one per step plus the final 0, for schedulers that have them (a copy);
   * {@code null} for DDIM.
   */
  double[] sigmas();

  /** The standard deviation of the initial text-to-image noise: multiply N(0, 1) latents by it. */
  double initNoiseSigma();

  /**
   * Model evaluations per step (1 for every scheduler here); img2img skips {@code start * order()}
   * entries.
   */
  int order();

  /**
   * Makes {@code stepIndex} the first step of this render and forgets any solver history
   * (diffusers' {@code set_begin_index}). Call it before the first step.
   *
   * @throws IllegalArgumentException if {@code stepIndex} is not a step index of this scheduler
   */
  void setBeginIndex(int stepIndex);

  /** The first step of this render: 0, or what {@link #setBeginIndex} set. */
  int beginIndex();

  /**
   * Scales the sample into what the UNet expects at step {@code stepIndex} (diffusers {@code
   * scale_model_input}); returns {@code sample} itself where that is the identity.
   */
  float[] scaleModelInput(float[] sample, int stepIndex);

  /**
   * One denoising step from timestep {@code timesteps()[stepIndex]} to the next level.
   *
   * @param modelOutput the UNet output (after guidance) for {@link #scaleModelInput} of {@code
   *     sample}
   * @param stepIndex the begin index on the first call, then one more than on the previous call
   * @param sample the current sample
   * @param noise source of fresh noise for ancestral schedulers; others ignore it and accept {@code
   *     null}
   * @return the new sample, in a new array
   * @throws IllegalArgumentException if a length differs from the sample's, the step is out of
   *     order, or an ancestral scheduler needs noise and {@code noise} is {@code null}
   */
  float[] step(float[] modelOutput, int stepIndex, float[] sample, NoiseSource noise);

  /**
   * Noises clean latents to the level of step {@code stepIndex} for image-to-image: √ᾱ·x + √(1−ᾱ)·n
   * where the sample is variance preserving (DDIM, DPM-Solver++), x + σ·n where it is in σ space
   * (Euler, Euler ancestral).
   */
  float[] addNoise(float[] original, float[] noise, int stepIndex);
}
