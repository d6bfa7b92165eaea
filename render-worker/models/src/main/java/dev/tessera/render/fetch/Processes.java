package dev.tessera.render.fetch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the machine's package tools (npm, apt-get, dpkg-deb) with a time limit. Stateless. */
public final class Processes {
  private static final int TAIL = 2000;

  private Processes() {}

  /** Whether {@code program} is an executable file on the {@code PATH}. */
  public static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code command} in {@code dir} and returns its output (stdout and stderr together).
   *
   * @throws IOException naming the command, with the end of its output, when it cannot start, exits
   *     non-zero or outlives {@code limit} (then it is killed)
   */
  public static String run(List<String> command, Path dir, Duration limit) throws IOException {
    Path log = Files.createTempFile("tessera-process", ".log");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean ended;
      try {
        ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + String.join(" ", command), e);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (!ended) {
        process.destroyForcibly();
        throw new IOException(
            String.join(" ", command) + " did not finish within " + limit + "; " + tail(output));
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command)
                + " exited with "
                + process.exitValue()
                + ": "
                + tail(output));
      }
      return output;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String tail(String output) {
    String trimmed = output.strip();
    return trimmed.length() <= TAIL ? trimmed : "…" + trimmed.substring(trimmed.length() - TAIL);
  }
}
