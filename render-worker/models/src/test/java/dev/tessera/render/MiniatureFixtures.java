package dev.tessera.render;

import dev.tessera.render.miniature.MiniatureBundle;
import dev.tessera.render.miniature.MiniatureKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Miniature bundles shared by the tests of one JVM: each kind is generated once into a temporary
 * directory that is deleted when the JVM exits. They use the real CLIP tokenizer files where
 * present, else the generated vocabulary.
 */
public final class MiniatureFixtures {
  private static final Map<String, Path> BUNDLES = new HashMap<>();
  private static Path root;

  private MiniatureFixtures() {}

  /** The bundle of {@code kind}, generated on first use. */
  public static synchronized Path bundle(MiniatureKind kind, boolean fp16) {
    String key = kind.cliName() + (fp16 ? "-fp16" : "");
    return BUNDLES.computeIfAbsent(
        key,
        k -> {
          try {
            Path dir = root().resolve(k);
            MiniatureBundle.write(kind, fp16, dir, tokenizerSource());
            return dir;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /**
   * A copy of the fp32 bundle of {@code kind} in {@code dir}, which must not exist yet, for a test
   * to change.
   */
  public static Path copy(MiniatureKind kind, Path dir) throws IOException {
    Path source = bundle(kind, false);
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, dir.resolve(source.relativize(file).toString()));
      }
    }
    return dir;
  }

  private static Path tokenizerSource() {
    Path dir = TestData.projectRoot().resolve("../shared/data/clip-tokenizer").normalize();
    return Files.isRegularFile(dir.resolve("vocab.json")) ? dir : null;
  }

  private static Path root() throws IOException {
    if (root == null) {
      root = Files.createTempDirectory("tessera-miniatures");
      Path dir = root;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
    }
    return root;
  }

  /** Deletes a directory tree, best effort. */
  public static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Temporary files; the OS cleans up what is left.
    }
  }
}
