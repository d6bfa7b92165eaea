package dev.tessera.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

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
 * @param loras LoRA adapters to render with, at most {@value #MAX_LORAS}, each named once; empty
 *     for none (never null)
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
    int height,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<LoraRef> loras) {

  public static final int MAX_STEPS = 500;
  public static final double MAX_GUIDANCE = 50;
  public static final int MIN_SIZE = 64;
  public static final int MAX_SIZE = 2048;
  public static final int MAX_LORAS = 4;

  /** The largest strength of an adapter, either way; past it a delta swamps the model. */
  public static final double MAX_LORA_SCALE = 4;

  /** Adapter names: a file name without directories, so a name can never leave its directory. */
  public static final Pattern LORA_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  public RenderSettings {
    // Not List.copyOf: a null entry must reach problems(), not throw here.
    loras = loras == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(loras));
  }

  /** Settings without adapters. */
  public RenderSettings(
      String prompt,
      String negativePrompt,
      long seed,
      int steps,
      double guidance,
      String scheduler,
      boolean karras,
      int width,
      int height) {
    this(
        prompt, negativePrompt, seed, steps, guidance, scheduler, karras, width, height, List.of());
  }

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
        height,
        loras);
  }

  /** A copy that renders with {@code loras}. */
  public RenderSettings withLoras(List<LoraRef> loras) {
    return new RenderSettings(
        prompt, negativePrompt, seed, steps, guidance, scheduler, karras, width, height, loras);
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
    checkLoras(problems);
    return problems;
  }

  private void checkLoras(List<FieldProblem> problems) {
    if (loras.size() > MAX_LORAS) {
      problems.add(
          new FieldProblem(
              "loras", "at most " + MAX_LORAS + " adapters per job, got " + loras.size()));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < loras.size(); i++) {
      LoraRef lora = loras.get(i);
      String field = "loras[" + i + "]";
      if (lora == null) {
        problems.add(new FieldProblem(field, "must be an object with name and scale"));
        continue;
      }
      if (lora.name() == null || !LORA_NAME.matcher(lora.name()).matches()) {
        problems.add(
            new FieldProblem(
                field + ".name",
                "must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit,"
                    + " got "
                    + (lora.name() == null ? "nothing" : "'" + lora.name() + "'")));
      } else if (!seen.add(lora.name())) {
        problems.add(new FieldProblem(field + ".name", "names '" + lora.name() + "' twice"));
      }
      if (!(Math.abs(lora.scale()) <= MAX_LORA_SCALE)) {
        problems.add(
            new FieldProblem(
                field + ".scale",
                "must be between -"
                    + (int) MAX_LORA_SCALE
                    + " and "
                    + (int) MAX_LORA_SCALE
                    + ", got "
                    + lora.scale()));
      }
    }
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
