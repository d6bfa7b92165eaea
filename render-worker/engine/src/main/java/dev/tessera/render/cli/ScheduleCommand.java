package dev.tessera.render.cli;

import dev.tessera.render.schedule.Scheduler;
import dev.tessera.render.schedule.SchedulerConfig;
import dev.tessera.render.schedule.Schedulers;
import dev.tessera.render.schedule.Spacing;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code schedule --model DIR --scheduler NAME --steps N [--karras] [--spacing S]}: prints the
 * timesteps, sigmas (where the scheduler has them) and initial noise sigma for the bundle's
 * scheduler config, as JSON.
 */
final class ScheduleCommand {
  private ScheduleCommand() {}

  static void run(List<String> words, PrintStream out) throws IOException {
    Args args = new Args(words, Set.of("karras"));
    Path model = args.path("model");
    String name = args.required("scheduler");
    int steps = args.integer("steps", -1);
    if (steps == -1) {
      throw new UsageException("--steps is required");
    }
    boolean karras = args.flag("karras");
    String spacing = args.string("spacing", null);
    args.finish();
    SchedulerConfig config = SchedulerConfig.read(model.resolve("scheduler/scheduler_config.json"));
    Scheduler scheduler =
        Schedulers.create(
            name, config, steps, karras, spacing == null ? null : Spacing.parse(spacing));
    StringBuilder json = new StringBuilder("{\"timesteps\": ").append(array(scheduler.timesteps()));
    if (scheduler.sigmas() != null) {
      json.append(", \"sigmas\": ").append(array(scheduler.sigmas()));
    }
    json.append(", \"init_noise_sigma\": ").append(number(scheduler.initNoiseSigma())).append('}');
    out.println(json);
  }

  private static String array(double[] values) {
    return Arrays.stream(values)
        .mapToObj(ScheduleCommand::number)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** Integral values print without a fraction (timesteps), others with float32-level precision. */
  private static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Float.toString((float) v);
  }
}
