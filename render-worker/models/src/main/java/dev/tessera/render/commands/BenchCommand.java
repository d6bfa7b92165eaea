package dev.tessera.render.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tessera.render.bench.BenchReport;
import dev.tessera.render.bench.CapacityTable;
import dev.tessera.render.bench.GpuBench;
import dev.tessera.render.cli.Args;
import dev.tessera.render.cli.EngineCommand;
import dev.tessera.render.cli.UsageException;
import dev.tessera.render.miniature.StandInBundle;
import dev.tessera.render.miniature.StandInKind;
import dev.tessera.render.onnx.ExecutionProvider;
import dev.tessera.render.upscale.X4Options;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code bench gpu}: writes the full-size stand-ins (once) and measures an SD 2.1 job and batched
 * UNet calls on this machine's device ({@link GpuBench}), then prints the figures as a table and
 * the capacity for a night's jobs, and writes them as JSON; {@code bench capacity FILE.json...}:
 * the capacity table from such files, one row per device measured.
 */
public final class BenchCommand implements EngineCommand {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String MARKER = ".complete";

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String usage() {
    return "bench gpu [--device cuda|cpu|auto] [--cuda-device N] [--size 768] [--steps 25] [--upscale-steps 20]\n"
        + "          [--target 2048] [--tile-batch auto|N] [--batches 1,2,4,8] [--repeats 5] [--fp32]\n"
        + "          [--models DIR | --sd DIR --x4 DIR] [--out DIR] [--jobs 10000] [--hours 8]\n"
        + "  bench capacity FILE.json... [--jobs 10000] [--hours 8]";
  }

  @Override
  public void run(List<String> words, PrintStream out, PrintStream err) throws IOException {
    Args args = new Args(words, Set.of("fp32"));
    List<String> positional = args.positional();
    if (positional.isEmpty()) {
      throw new UsageException("expected: " + usage());
    }
    int jobs = args.integer("jobs", 10_000);
    double hours = args.decimal("hours", 8);
    if (jobs < 1 || !(hours > 0)) {
      throw new UsageException("--jobs and --hours must be positive");
    }
    if (positional.get(0).equals("capacity") && positional.size() > 1) {
      args.finish();
      List<BenchReport> reports = new ArrayList<>();
      for (String file : positional.subList(1, positional.size())) {
        reports.add(JSON.readValue(Path.of(file).toFile(), BenchReport.class));
      }
      out.print(CapacityTable.format(reports, jobs, hours));
      return;
    }
    if (positional.size() != 1 || !positional.get(0).equals("gpu")) {
      throw new UsageException("expected: " + usage());
    }
    ExecutionProvider.Preference device =
        ExecutionProvider.Preference.parse(args.string("device", "cuda"));
    boolean fp16 = !args.flag("fp32");
    Path home = Path.of(System.getProperty("tessera.home", "."));
    Path models = Path.of(args.string("models", home.resolve(".farm/standins").toString()));
    String sdText = args.string("sd", null);
    String x4Text = args.string("x4", null);
    Path outDir = Path.of(args.string("out", home.resolve(".farm/bench").toString()));
    String tileBatch = args.string("tile-batch", "auto");
    GpuBench.Settings settings =
        new GpuBench.Settings(
            device,
            args.integer("cuda-device", 0),
            sdText != null ? Path.of(sdText) : null,
            x4Text != null ? Path.of(x4Text) : null,
            positive(args, "size", 768),
            positive(args, "steps", 25),
            positive(args, "upscale-steps", 20),
            positive(args, "target", 2048),
            tileBatch.equals("auto") ? X4Options.AUTO : positive(args, "tile-batch", 1),
            batches(args.string("batches", "1,2,4,8")),
            positive(args, "repeats", 5),
            outDir);
    args.finish();
    if ((settings.sd() == null) != (settings.x4() == null)) {
      throw new UsageException("--sd and --x4 go together");
    }
    if (settings.sd() == null) {
      String suffix = fp16 ? "-fp16" : "-fp32";
      Path sd = standIn(StandInKind.SD21, fp16, models.resolve("sd21" + suffix), err);
      Path x4 = standIn(StandInKind.X4_UPSCALER, fp16, models.resolve("x4-upscaler" + suffix), err);
      settings =
          new GpuBench.Settings(
              settings.device(),
              settings.cudaDevice(),
              sd,
              x4,
              settings.size(),
              settings.steps(),
              settings.upscaleSteps(),
              settings.target(),
              settings.tileBatch(),
              settings.batches(),
              settings.repeats(),
              settings.workDir());
    }
    BenchReport report = GpuBench.run(settings, err);
    Files.createDirectories(outDir);
    String slug =
        report
            .device()
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-|-$", "");
    Path json = outDir.resolve("gpu-" + slug + ".json");
    JSON.writeValue(json.toFile(), report);
    String text = report.table() + "\n" + CapacityTable.format(List.of(report), jobs, hours);
    Files.writeString(outDir.resolve("gpu-" + slug + ".txt"), text);
    out.print(text);
    out.println("wrote " + json);
  }

  /** The stand-in in {@code dir}, written first unless a finished one is there. */
  private static Path standIn(StandInKind kind, boolean fp16, Path dir, PrintStream err)
      throws IOException {
    if (!Files.exists(dir.resolve(MARKER))) {
      err.println("writing the " + kind.cliName() + " stand-in to " + dir + " (once)...");
      StandInBundle.write(kind, fp16, dir, null);
      Files.writeString(dir.resolve(MARKER), "");
    }
    return dir;
  }

  private static int positive(Args args, String name, int fallback) {
    int value = args.integer(name, fallback);
    if (value < 1) {
      throw new UsageException("--" + name + ": must be at least 1, got " + value);
    }
    return value;
  }

  private static List<Integer> batches(String text) {
    List<Integer> batches = new ArrayList<>();
    for (String part : text.split(",")) {
      try {
        int b = Integer.parseInt(part.trim());
        if (b < 1) {
          throw new NumberFormatException();
        }
        batches.add(b);
      } catch (NumberFormatException e) {
        throw new UsageException("--batches: expected positive integers like 1,2,4,8, got " + text);
      }
    }
    return batches;
  }
}
