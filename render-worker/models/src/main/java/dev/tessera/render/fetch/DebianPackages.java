package dev.tessera.render.fetch;

import dev.tessera.common.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fetches Debian packages with the machine's own {@code apt-get download} (its sources apply; no
 * address is written here) and unpacks them with {@code dpkg-deb -x} into {@link FetchCache},
 * without installing them: each package once per machine. Stateless.
 */
public final class DebianPackages {
  private static final Duration LIMIT = Duration.ofMinutes(10);

  private DebianPackages() {}

  /** Whether {@code apt-get} and {@code dpkg-deb} are on the {@code PATH}. */
  public static boolean available() {
    return Processes.onPath("apt-get") && Processes.onPath("dpkg-deb");
  }

  /**
   * The root of {@code name}'s unpacked files (its {@code usr/…} tree), fetched on first use.
   *
   * @throws IOException when the tools are absent or fail, naming the package; without package
   *     lists (or with stale ones) root reads them anew first, others are told to
   */
  public static Path unpacked(String name) throws IOException {
    if (!available()) {
      throw new IOException(
          "apt-get and dpkg-deb are not on the PATH; they are needed to fetch the Debian package "
              + name);
    }
    Path dir = FetchCache.dir().resolve("debian").resolve(name);
    Path done = dir.resolve(".tessera-unpacked");
    if (Files.isRegularFile(done)) {
      return dir;
    }
    Files.createDirectories(dir.getParent());
    Path partial = Files.createTempDirectory(dir.getParent(), name + ".partial-");
    try {
      download(name, partial);
      Path deb;
      try (Stream<Path> files = Files.list(partial)) {
        deb =
            files
                .filter(p -> p.getFileName().toString().endsWith(".deb"))
                .findFirst()
                .orElseThrow(() -> new IOException("apt-get download " + name + " wrote no .deb"));
      }
      Path tree = partial.resolve("tree");
      Processes.run(List.of("dpkg-deb", "-x", deb.toString(), tree.toString()), partial, LIMIT);
      Files.writeString(tree.resolve(".tessera-unpacked"), deb.getFileName() + "\n");
      FileTrees.delete(dir);
      Files.move(tree, dir, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      FileTrees.delete(partial);
    }
    return dir;
  }

  private static void download(String name, Path into) throws IOException {
    List<String> download = List.of("apt-get", "download", name);
    try {
      Processes.run(download, into, LIMIT);
    } catch (IOException e) {
      // Package lists missing, or older than the mirror (which keeps only a package's newest
      // version): where this may, it reads them anew once.
      if (!"root".equals(System.getProperty("user.name"))) {
        throw new IOException(e.getMessage() + " (run apt-get update first)", e);
      }
      Processes.run(List.of("apt-get", "-q", "update"), into, LIMIT);
      Processes.run(download, into, LIMIT);
    }
  }

  /** The {@code .deb} file name the package was unpacked from, e.g. for a report. */
  public static String source(Path unpacked) throws IOException {
    return Files.readString(unpacked.resolve(".tessera-unpacked")).strip();
  }
}
