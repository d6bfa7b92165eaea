package dev.tessera.render.schedule;

import java.util.List;

/**
 * Creates schedulers by name. Names: {@code ddim} (DDIM, η = 0), {@code euler} (Euler discrete),
 * {@code euler-a} (Euler ancestral), {@code dpmpp-2m} (DPM-Solver++ 2M). Stateless and thread safe.
 */
public final class Schedulers {

  private static final List<String> NAMES = List.of("ddim", "euler", "euler-a", "dpmpp-2m");

  private Schedulers() {}

  /** The scheduler names {@link #create} accepts. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * A new scheduler for one render.
   *
   * @param name one of {@link #names()}
   * @param config the bundle's scheduler config
   * @param steps inference steps, 1 to {@code num_train_timesteps}
   * @param karras use Karras sigmas (not for {@code ddim}); the config's {@code use_karras_sigmas}
   *     also turns them on for the sigma schedulers, as it does in diffusers
   * @param spacingOverride the timestep spacing to use, or {@code null} for the default of {@link
   *     #spacing(String, SchedulerConfig, Spacing)}
   * @throws IllegalArgumentException for an unknown name, steps out of range, or Karras sigmas with
   *     DDIM
   */
  public static Scheduler create(
      String name, SchedulerConfig config, int steps, boolean karras, Spacing spacingOverride) {
    Spacing spacing = spacing(name, config, spacingOverride);
    if (steps <= 0 || steps > config.numTrainTimesteps()) {
      throw new IllegalArgumentException(
          "steps must be between 1 and num_train_timesteps ("
              + config.numTrainTimesteps()
              + "), got "
              + steps);
    }
    NoiseSchedule schedule = NoiseSchedule.of(config);
    boolean useKarras = karras || config.useKarrasSigmas();
    PredictionType prediction = config.predictionType();
    return switch (name) {
      case "ddim" -> {
        if (karras) {
          throw new IllegalArgumentException(
              "scheduler 'ddim' has no Karras sigmas; "
                  + "Karras sigmas work with euler, euler-a, dpmpp-2m");
        }
        yield new DdimScheduler(config, schedule, steps, spacing);
      }
      case "euler" ->
          new EulerScheduler(
              prediction, SigmaSchedule.euler(config, schedule, steps, spacing, useKarras));
      case "euler-a" ->
          new EulerAncestralScheduler(
              prediction, SigmaSchedule.euler(config, schedule, steps, spacing, useKarras));
      default ->
          new DpmSolverMultistepScheduler(
              prediction, SigmaSchedule.dpmSolver(config, schedule, steps, spacing, useKarras));
    };
  }

  /**
   * The timestep spacing {@link #create} uses for these arguments: the override, else the config's
   * {@code timestep_spacing}, else the scheduler's diffusers default ({@code leading} for DDIM,
   * {@code linspace} for the others).
   *
   * @throws IllegalArgumentException for an unknown name or a missing config
   */
  public static Spacing spacing(String name, SchedulerConfig config, Spacing spacingOverride) {
    if (name == null || !NAMES.contains(name)) {
      throw new IllegalArgumentException(
          "unknown scheduler '" + name + "'; known schedulers: " + String.join(", ", NAMES));
    }
    if (config == null) {
      throw new IllegalArgumentException(
          "a scheduler config is required for scheduler '" + name + "'");
    }
    if (spacingOverride != null) {
      return spacingOverride;
    }
    if (config.timestepSpacing() != null) {
      return config.timestepSpacing();
    }
    return name.equals("ddim") ? Spacing.LEADING : Spacing.LINSPACE;
  }
}
