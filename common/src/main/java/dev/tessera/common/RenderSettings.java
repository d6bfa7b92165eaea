package dev.tessera.common;

import java.util.ArrayList;
import java.util.List;

/**
 * What to render: the settings a job carries from the API to a worker and that the engine honours,
 * independent of the model bundle. Construction never throws, so that a front end can report every
 * bad field at once through {@link #problems()}.
 *
 * @param prompt what to draw; not blank
 * @param negativePrompt what to steer away from; empty for none (never null once {@link
 *     #withDefaults} ran)
 * @param seed seeds the torch-compatible noise generator; the same seed and settings give the same
 *     image
 * @param steps denoising steps, 1 to {@value #MAX_STEPS}
 * @param guidance classifier-free guidance scale, 0 to {@value #MAX_GUIDANCE}; at most 1 turns
 *     guidance off
 * @param scheduler wire name of the scheduler, as the API calls the sampler (see {@link Sampler})
 * @param karras Karras sigmas (for the sigma-based samplers)
 * @param width image width in pixels, a multiple of 8 in [{@value #MIN_SIZE}, {@value #MAX_SIZE}]
 * @param height image height in pixels, as width
 */
public record RenderSettings(
    String prompt,
    String negativePrompt,
    long seed,
    int steps,
    double guidance,
    String scheduler,
    boolean karras,
    int width,
    int height) {

  public static final int MAX_STEPS = 500;
  public static final double MAX_GUIDANCE = 50;
  public static final int MIN_SIZE = 64;
  public static final int MAX_SIZE = 2048;

  /** Settings with the defaults of a plain text-to-image render for the given prompt. */
  public static RenderSettings of(String prompt) {
    return new RenderSettings(prompt, "", 0, 25, 7.5, Sampler.EULER.wireName(), false, 512, 512);
  }

  /** A copy with null strings replaced by their defaults (empty negative prompt). */
  public RenderSettings withDefaults() {
    return new RenderSettings(
        prompt,
        negativePrompt == null ? "" : negativePrompt,
        seed,
        steps,
        guidance,
        scheduler == null ? Sampler.EULER.wireName() : scheduler,
        karras,
        width,
        height);
  }

  /** Every invalid field, named by its API wire name; empty when the settings can be rendered. */
  public List<FieldProblem> problems() {
    List<FieldProblem> problems = new ArrayList<>();
    if (prompt == null || prompt.isBlank()) {
      problems.add(new FieldProblem("prompt", "must not be empty"));
    }
    if (steps <= 0 || steps > MAX_STEPS) {
      problems.add(
          new FieldProblem("steps", "must be between 1 and " + MAX_STEPS + ", got " + steps));
    }
    if (!(guidance >= 0 && guidance <= MAX_GUIDANCE)) {
      problems.add(
          new FieldProblem(
              "guidance", "must be between 0 and " + (int) MAX_GUIDANCE + ", got " + guidance));
    }
    if (scheduler != null && Sampler.fromWireName(scheduler).isEmpty()) {
      problems.add(
          new FieldProblem(
              "scheduler",
              "unknown scheduler '"
                  + scheduler
                  + "', expected one of "
                  + String.join(", ", Sampler.wireNames())));
    }
    if (karras && Sampler.DDIM.wireName().equals(scheduler)) {
      problems.add(
          new FieldProblem("karras", "ddim has no Karras sigmas; use euler, euler-a or dpmpp-2m"));
    }
    checkSize("width", width, problems);
    checkSize("height", height, problems);
    return problems;
  }

  private static void checkSize(String field, int value, List<FieldProblem> problems) {
    if (value % 8 != 0) {
      problems.add(new FieldProblem(field, "must be a multiple of 8, got " + value));
    } else if (value < MIN_SIZE || value > MAX_SIZE) {
      problems.add(
          new FieldProblem(
              field, "must be between " + MIN_SIZE + " and " + MAX_SIZE + ", got " + value));
    }
  }
}
