package dev.tessera.render;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates shared test data beside the project checkout ({@code ../shared/data}). */
public final class TestData {
  private TestData() {}

  /**
   * The checkout's root: the first directory upwards from the working directory that holds {@code
   * mvnw}.
   */
  public static Path projectRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no mvnw above " + System.getProperty("user.dir"));
    }
    return dir;
  }

  /** The real CLIP tokenizer files; the calling test is skipped where they are absent. */
  public static Path clipTokenizerDir() {
    Path dir = projectRoot().resolve("../shared/data/clip-tokenizer").normalize();
    assumeTrue(Files.isRegularFile(dir.resolve("vocab.json")), "no CLIP tokenizer files at " + dir);
    return dir;
  }
}
