package dev.tessera.render.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The engine's command line: {@code render}, {@code upscale}, {@code tokenize} and {@code
 * schedule}, and the commands of modules beside it ({@link EngineCommand}; with the miniature
 * generators on the classpath, {@code model}). Bad input ends with one line on stderr naming the
 * problem and exit code 2; no stack trace.
 */
public final class EngineCli {
  /** Exit code for input the command cannot run with. */
  public static final int BAD_INPUT = 2;

  private EngineCli() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  private static final List<String> OWN = List.of("render", "upscale", "tokenize", "schedule");

  /** The commands this CLI answers with the modules on this classpath. */
  public static List<String> commands() {
    List<String> all = new ArrayList<>(OWN);
    extensions().forEach(c -> all.add(c.name()));
    return all;
  }

  /** The commands that modules beside the engine add. */
  static List<EngineCommand> extensions() {
    List<EngineCommand> found = new ArrayList<>();
    ServiceLoader.load(EngineCommand.class).forEach(found::add);
    return found;
  }

  /** Runs one command and returns its exit code. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      err.println(usage());
      return BAD_INPUT;
    }
    List<String> rest = args.subList(1, args.size());
    try {
      switch (args.get(0)) {
        case "render" -> RenderCommand.run(rest, out, err);
        case "upscale" -> UpscaleCommand.run(rest, out, err);
        case "tokenize" -> TokenizeCommand.run(rest, out, err);
        case "schedule" -> ScheduleCommand.run(rest, out);
        case "commands" -> out.println(String.join(" ", commands()));
        default ->
            extensions().stream()
                .filter(c -> c.name().equals(args.get(0)))
                .findFirst()
                .orElseThrow(
                    () -> new UsageException("unknown command '" + args.get(0) + "'\n" + usage()))
                .run(rest, out, err);
      }
      return 0;
    } catch (UsageException | IllegalArgumentException | IOException e) {
      err.println("error: " + e.getMessage());
      return BAD_INPUT;
    }
  }

  /** The usage text of the engine commands. */
  public static String usage() {
    List<String> lines = new ArrayList<>(List.of("usage:"));
    extensions().forEach(c -> lines.add("  " + c.usage()));
    lines.addAll(
        Arrays.asList(
            "  render --model DIR --prompt TEXT [--negative TEXT] [--seed N] [--steps N] [--guidance F]",
            "         [--scheduler ddim|euler|euler-a|dpmpp-2m] [--karras] [--spacing leading|linspace|trailing]",
            "         [--width W] [--height H] [--init IMAGE --strength F] [--device auto|cpu|cuda] [--threads N]",
            "         [--lora NAME[:SCALE] ... --lora-dir DIR (or TESSERA_LORA_DIR)]",
            "         [--upscale x4|sr|lanczos [--upscaler DIR|MODEL.onnx] [--target N (default 2048, max 4096)]",
            "          [--noise-level N] [--upscale-steps N] [--upscale-guidance F] [--tile-batch N|auto]]",
            "         --out FILE.png",
            "  upscale --in IMAGE --upscale x4|sr|lanczos [--upscaler DIR|MODEL.onnx] [--target N]",
            "          [--tile N --overlap N (sr)] [--tile-batch N|auto] [--prompt TEXT (x4)]",
            "          [--device auto|cpu|cuda] [--threads N] --out FILE.png",
            "  tokenize --model DIR TEXT",
            "  schedule --model DIR --scheduler NAME --steps N [--karras] [--spacing leading|linspace|trailing]",
            "  commands   (lists the commands above)"));
    return String.join("\n", lines);
  }
}
