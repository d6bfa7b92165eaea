package dev.tessera.render.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The engine's command line: {@code model}, {@code render}, {@code tokenize} and {@code schedule}. Bad input ends
 * with one line on stderr naming the problem and exit code 2; no stack trace.
 */
public final class EngineCli {
  /** Exit code for input the command cannot run with. */
  public static final int BAD_INPUT = 2;

  private EngineCli() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  /** The commands this CLI answers, for a launcher that dispatches to it. */
  public static final List<String> COMMANDS = List.of("model", "render", "tokenize", "schedule");

  /** Runs one command and returns its exit code. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      err.println(usage());
      return BAD_INPUT;
    }
    List<String> rest = args.subList(1, args.size());
    try {
      switch (args.get(0)) {
        case "model" -> ModelCommand.run(rest, out, err);
        case "render" -> RenderCommand.run(rest, out, err);
        case "tokenize" -> TokenizeCommand.run(rest, out, err);
        case "schedule" -> ScheduleCommand.run(rest, out);
        default -> throw new UsageException("unknown command '" + args.get(0) + "'\n" + usage());
      }
      return 0;
    } catch (UsageException | IllegalArgumentException | IOException e) {
      err.println("error: " + e.getMessage());
      return BAD_INPUT;
    }
  }

  /** The usage text of the engine commands. */
  public static String usage() {
    return String.join("\n", Arrays.asList(
        "usage:",
        "  model miniature --kind sd2|sd2-v|sd1|x4-upscaler|sr [--fp16] --out DIR",
        "  render --model DIR --prompt TEXT [--negative TEXT] [--seed N] [--steps N] [--guidance F]",
        "         [--scheduler ddim|euler|euler-a|dpmpp-2m] [--karras] [--spacing leading|linspace|trailing]",
        "         [--width W] [--height H] [--init IMAGE --strength F] [--device auto|cpu|cuda] [--threads N]",
        "         [--upscale x4|sr|lanczos [--upscaler DIR|MODEL.onnx] [--target N (default 2048, max 4096)]",
        "          [--noise-level N] [--upscale-steps N] [--upscale-guidance F]]",
        "         --out FILE.png",
        "  tokenize --model DIR TEXT",
        "  schedule --model DIR --scheduler NAME --steps N [--karras] [--spacing leading|linspace|trailing]"));
  }
}
