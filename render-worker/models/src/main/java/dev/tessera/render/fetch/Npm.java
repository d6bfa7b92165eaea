package dev.tessera.render.fetch;

import dev.tessera.common.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fetches npm packages with the machine's own {@code npm} (its registry settings, proxy and cache
 * apply; no address is written here), into {@link FetchCache}: each package version once per
 * machine. Stateless.
 */
public final class Npm {
  /** The longest one npm command may take (a 110 MB package on a slow line). */
  public static final Duration LIMIT = Duration.ofMinutes(10);

  private Npm() {}

  /** Whether {@code npm} is on the {@code PATH}. */
  public static boolean available() {
    return Processes.onPath("npm");
  }

  /**
   * The unpacked contents ({@code package/}) of {@code name@version}, fetched with {@code npm pack}
   * and extracted on first use.
   *
   * @throws IOException when npm is absent or fails, naming the package
   */
  public static Path unpacked(String name, String version) throws IOException {
    requireNpm("fetch " + name);
    Path dir = FetchCache.dir().resolve("npm").resolve(folderName(name) + "-" + version);
    Path contents = dir.resolve("package");
    if (Files.isRegularFile(contents.resolve("package.json"))) {
      return contents;
    }
    Files.createDirectories(dir.getParent());
    // Fetched beside and moved into place, so an interrupted fetch leaves no half package behind.
    Path partial = Files.createTempDirectory(dir.getParent(), folderName(name) + ".partial-");
    try {
      Processes.run(
          List.of("npm", "pack", name + "@" + version, "--silent", "--pack-destination", "."),
          partial,
          LIMIT);
      Path tarball;
      try (Stream<Path> files = Files.list(partial)) {
        tarball =
            files
                .filter(p -> p.getFileName().toString().endsWith(".tgz"))
                .findFirst()
                .orElseThrow(
                    () -> new IOException("npm pack " + name + "@" + version + " wrote no .tgz"));
      }
      TarGz.extract(tarball, partial);
      Files.delete(tarball);
      if (!Files.isRegularFile(partial.resolve("package/package.json"))) {
        throw new IOException(name + "@" + version + ": the tarball has no package/package.json");
      }
      try {
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (!Files.isRegularFile(contents.resolve("package.json"))) {
          throw e;
        }
      }
    } finally {
      FileTrees.delete(partial);
    }
    return contents;
  }

  /**
   * A {@code node_modules} tree with {@code specs} installed ({@code npm install --prefix}), under
   * {@link FetchCache} in a folder named {@code folder}; installed on first use.
   *
   * @throws IOException when npm is absent or fails
   */
  public static Path installed(String folder, List<String> specs) throws IOException {
    requireNpm("install " + specs);
    Path prefix = FetchCache.dir().resolve("npm").resolve(folder);
    Path done = prefix.resolve(".tessera-installed");
    if (Files.isRegularFile(done)) {
      return prefix.resolve("node_modules");
    }
    Files.createDirectories(prefix);
    List<String> command =
        new ArrayList<>(
            List.of(
                "npm",
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--prefix",
                "."));
    command.addAll(specs);
    Processes.run(command, prefix, LIMIT);
    Files.writeString(done, String.join("\n", specs) + "\n");
    return prefix.resolve("node_modules");
  }

  private static void requireNpm(String what) throws IOException {
    if (!available()) {
      throw new IOException("npm is not on the PATH; it is needed to " + what);
    }
  }

  private static String folderName(String name) {
    return name.replace("@", "").replace('/', '+');
  }
}
