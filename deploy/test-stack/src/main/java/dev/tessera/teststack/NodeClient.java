package dev.tessera.teststack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Node.js client project of the tests (e.g. the gateway's {@code src/test/node/<name>}): copied
 * into a folder under {@code target/}, its pinned packages installed there with {@code npm ci} from
 * its lock file (once: a later run whose lock file is unchanged installs nothing), and its scripts
 * run with {@code node}. Every command is bounded by a timeout.
 */
public final class NodeClient {
  private static final Duration PROBE = Duration.ofSeconds(30);
  private static final Duration INSTALL = Duration.ofMinutes(5);
  private static final String STAMP = "node_modules/.tessera-lock-sha256";

  private final Path dir;

  private NodeClient(Path dir) {
    this.dir = dir;
  }

  /** Whether {@code node} and {@code npm} run here. */
  public static boolean available() {
    try {
      return run(Path.of("."), List.of("node", "--version"), Map.of(), PROBE).exitCode() == 0
          && run(Path.of("."), List.of("npm", "--version"), Map.of(), PROBE).exitCode() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** The project in folder {@code source}, installed in {@code dir}. */
  public static NodeClient install(Path source, Path dir) throws IOException {
    dir = dir.toAbsolutePath();
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(source)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    String lock = sha256(dir.resolve("package-lock.json"));
    Path stamp = dir.resolve(STAMP);
    if (!Files.exists(stamp) || !Files.readString(stamp).equals(lock)) {
      Result npm =
          run(
              dir,
              List.of(
                  "npm",
                  "ci",
                  "--no-audit",
                  "--no-fund",
                  "--prefer-offline",
                  "--cache",
                  dir.resolveSibling("npm-cache").toString()),
              Map.of(),
              INSTALL);
      if (npm.exitCode() != 0) {
        throw new IllegalStateException(
            "npm ci failed in " + dir + " (" + npm.exitCode() + "):\n" + npm.output());
      }
      Files.writeString(stamp, lock);
    }
    return new NodeClient(dir);
  }

  /**
   * Runs {@code node <script>} with {@code env} (and no other {@code OPENAI_*} variable).
   *
   * @return its standard output
   * @throws IllegalStateException when it fails or outlasts {@code timeout}
   */
  public String node(String script, Map<String, String> env, Duration timeout) throws IOException {
    Result result = run(dir, List.of("node", script), env, timeout);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "node " + script + " failed (" + result.exitCode() + "):\n" + result.output());
    }
    return result.stdout();
  }

  private record Result(int exitCode, String stdout, String output) {}

  private static Result run(
      Path dir, List<String> command, Map<String, String> env, Duration timeout)
      throws IOException {
    Path out = Files.createTempFile("node-client", ".out");
    Path err = Files.createTempFile("node-client", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().keySet().removeIf(key -> key.startsWith("OPENAI_"));
      builder.environment().putAll(env);
      Process process = builder.start();
      boolean exited;
      try {
        exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exited = false;
      }
      if (!exited) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command)
                + " did not end within "
                + timeout
                + ":\n"
                + Files.readString(err));
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      return new Result(
          process.exitValue(), stdout, stdout + Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
