package dev.tessera.images;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An external command run to its end within a limit, its output (stdout and stderr) kept. */
final class Command {
  private Command() {}

  /** What a command left: its exit code and its output, both streams together. */
  record Result(int exitCode, String output) {
    /** This result, or an exception naming the command and its output when it failed. */
    Result orThrow(List<String> command) {
      if (exitCode != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed (exit " + exitCode + "):\n" + tail(output));
      }
      return this;
    }
  }

  /** Whether {@code tool} is an executable file on the {@code PATH}. */
  static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code command} in {@code dir}.
   *
   * @throws IllegalStateException when it has not ended within {@code limit} (it is killed)
   */
  static Result run(Path dir, Duration limit, List<String> command) throws IOException {
    Path out = Files.createTempFile("tessera-command", ".out");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      boolean ended;
      try {
        ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ended = false;
      }
      if (!ended) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command)
                + " did not end within "
                + limit
                + ":\n"
                + tail(Files.readString(out, StandardCharsets.UTF_8)));
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** The last lines of a long output: a failed Maven build's cause is at its end. */
  private static String tail(String output) {
    int max = 8000;
    return output.length() <= max ? output : "…" + output.substring(output.length() - max);
  }
}
