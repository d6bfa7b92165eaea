package dev.tessera.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch directories of the tests' services, under {@code target/}, removed when the services
 * stop.
 */
public final class TestFiles {
  private TestFiles() {}

  /** A new empty directory {@code target/<prefix>...}. */
  public static Path scratch(String prefix) throws IOException {
    Path target = Path.of("target").toAbsolutePath();
    Files.createDirectories(target);
    return Files.createTempDirectory(target, prefix);
  }

  /** Deletes {@code dir} and everything in it; a missing directory is fine. */
  public static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }
}
