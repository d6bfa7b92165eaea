package dev.tessera.deploy.farm;

import dev.tessera.common.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes the untrained miniature bundles the local farm runs on when no real model is given, with
 * the engine's own {@code model miniature} command (run in a JVM of its own: the launcher does not
 * link the engine). Generated into {@code .farm/models/} and reused until the generators change.
 */
final class MiniatureModels {
  private MiniatureModels() {}

  /**
   * The bundle of {@code kind} ({@code sd2-v}, {@code x4-upscaler}, {@code sr}), written when
   * missing or older than the generators (a changed miniature is written anew).
   */
  static Path ensure(FarmHome home, String kind) throws IOException {
    Path dir = home.models().resolve("miniature-" + kind);
    if (Files.isDirectory(dir)
        && Files.getLastModifiedTime(dir).compareTo(Files.getLastModifiedTime(home.modelsJar()))
            >= 0) {
      return dir;
    }
    FileTrees.delete(dir);
    Path partial =
        dir.resolveSibling(dir.getFileName() + ".partial-" + ProcessHandle.current().pid());
    String classpath = home.engineClasspath();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dtessera.home=" + home.root(),
                "-cp",
                classpath,
                "dev.tessera.render.cli.EngineCli",
                "model",
                "miniature",
                "--kind",
                kind,
                "--out",
                partial.toString()));
    Path log = home.state().resolve("models.log");
    Files.createDirectories(home.models());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException("writing the miniature " + kind + " bundle failed; see " + log);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing the miniature " + kind + " bundle", e);
    }
    Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
    Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
    return dir;
  }
}
