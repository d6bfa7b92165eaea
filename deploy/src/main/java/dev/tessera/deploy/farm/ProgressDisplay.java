package dev.tessera.deploy.farm;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * How {@code ./farm demo} shows a job's progress: one line per stage (the render's denoising, then
 * the x4 upscale's), with a bar, the step and the time left, redrawn in place on a terminal; where
 * the output is not a terminal, each stage's line once, when the stage ends. Fed with the status
 * documents the demo polls.
 */
public final class ProgressDisplay {
  private static final int BAR = 24;

  private final PrintStream out;
  private final boolean terminal;
  private final LongSupplier nanoClock;
  private String state = "";
  private String stage;
  private int firstStep;
  private long firstSeen;
  private int stageTotal;
  private String lastLine = "";

  /**
   * @param terminal whether {@code out} is a terminal, where a line can be redrawn
   * @param nanoClock {@link System#nanoTime()}, or a test's clock
   */
  public ProgressDisplay(PrintStream out, boolean terminal, LongSupplier nanoClock) {
    this.out = out;
    this.terminal = terminal;
    this.nanoClock = nanoClock;
  }

  /** Shows what {@code status} (a job's status document) says. */
  public void update(JsonNode status) {
    String now = status.path("state").asText();
    JsonNode progress = status.path("progress");
    if (progress.isObject()) {
      int renderSteps = status.path("request").path("steps").asInt(0);
      show(progress.path("step").asInt(), progress.path("total").asInt(), renderSteps);
    }
    if (!now.equals(state)) {
      state = now;
      if (!"RUNNING".equals(now)) {
        if ("SUCCEEDED".equals(now)) {
          completeStage();
        }
        endLine();
        out.println("  " + now.toLowerCase(Locale.ROOT));
      }
    }
  }

  private void show(int step, int total, int renderSteps) {
    boolean upscaling = renderSteps > 0 && total > renderSteps && step > renderSteps;
    String name = upscaling ? "upscale" : "denoise";
    int inStage = upscaling ? step - renderSteps : step;
    int ofStage =
        upscaling ? total - renderSteps : Math.min(total, renderSteps > 0 ? renderSteps : total);
    if (!name.equals(stage)) {
      completeStage(); // polls can miss a stage's last steps; the next stage began, so it is done
      endLine();
      stage = name;
      stageTotal = ofStage;
      firstStep = inStage;
      firstSeen = nanoClock.getAsLong();
    } else if (lastLine.isEmpty()) {
      return; // this stage's line was ended already
    }
    Duration left = null;
    if (inStage > firstStep) {
      long perStep = (nanoClock.getAsLong() - firstSeen) / (inStage - firstStep);
      left = Duration.ofNanos(perStep * (ofStage - inStage));
    }
    String previous = lastLine;
    lastLine = line(name, inStage, ofStage, left);
    if (terminal) {
      out.print("\r" + lastLine + " ".repeat(Math.max(0, previous.length() - lastLine.length())));
      out.flush();
    } else if (inStage >= ofStage) {
      endLine();
    }
  }

  /** Shows the current stage, if its line is still open, as done. */
  private void completeStage() {
    if (stage != null && !lastLine.isEmpty()) {
      String previous = lastLine;
      lastLine = line(stage, stageTotal, stageTotal, Duration.ZERO);
      if (terminal) {
        out.print("\r" + lastLine + " ".repeat(Math.max(0, previous.length() - lastLine.length())));
      }
    }
  }

  /** Ends the current stage's line: a newline on a terminal, the line itself elsewhere. */
  private void endLine() {
    if (stage == null || lastLine.isEmpty()) {
      return;
    }
    out.println(terminal ? "" : lastLine);
    lastLine = "";
  }

  /** {@code denoise [##########--------------] 10/25 0:03 left}; without {@code left}, no time. */
  static String line(String stage, int step, int total, Duration left) {
    int filled = total <= 0 ? 0 : Math.min(BAR, (int) ((long) BAR * step / total));
    String bar = "#".repeat(filled) + "-".repeat(BAR - filled);
    String time =
        left == null
            ? ""
            : step >= total
                ? "  done"
                : String.format(
                    Locale.ROOT, "  %d:%02d left", left.toMinutes(), left.toSecondsPart());
    return String.format(Locale.ROOT, "  %-8s [%s] %4d/%d%s", stage, bar, step, total, time);
  }
}
