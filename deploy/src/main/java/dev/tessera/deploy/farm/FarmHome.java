package dev.tessera.deploy.farm;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where the launcher finds the built services ({@code root}, the checkout) and keeps its state
 * ({@code state}: models, the running farm's data and logs, {@code stack.env}).
 */
public record FarmHome(Path root, Path state) {
  /**
   * The checkout the launcher runs from ({@code -Dtessera.home}, set by {@code ./farm}), else the
   * working directory, with its state in {@code .farm/}.
   */
  public static FarmHome current() {
    Path root = Path.of(System.getProperty("tessera.home", ".")).toAbsolutePath().normalize();
    return new FarmHome(root, root.resolve(".farm"));
  }

  /** Generated miniature bundles, kept across runs. */
  public Path models() {
    return state().resolve("models");
  }

  /**
   * Data and logs of the farm that runs now; started afresh by every {@code up} and {@code demo}.
   */
  public Path run() {
    return state().resolve("run");
  }

  public Path stackEnv() {
    return state().resolve("stack.env");
  }

  public Path hostPid() {
    return state().resolve("host.pid");
  }

  /**
   * A service's {@code target/quarkus-app}, by the service's folder ({@code
   * render-worker/service}).
   */
  public Path quarkusApp(String module) {
    return root.resolve(module).resolve("target").resolve("quarkus-app");
  }

  /**
   * The engine CLI's classpath: the miniature models' jar (which adds the {@code model} command)
   * and its dependencies, the engine among them.
   */
  public String engineClasspath() throws IOException {
    return modelsJar()
        + File.pathSeparator
        + Files.readString(modelsJar().resolveSibling("classpath.txt")).trim();
  }

  /**
   * The jar of the miniature generators: a miniature bundle older than it was written by an older
   * generator.
   */
  public Path modelsJar() throws IOException {
    Path target = root.resolve("render-worker/models/target");
    try (var jars = Files.list(target)) {
      return jars.filter(
              p -> p.getFileName().toString().matches("render-models-[^-]+(-SNAPSHOT)?\\.jar"))
          .findFirst()
          .orElseThrow(
              () -> new IOException("the engine is not built; run ./mvnw install -DskipTests"));
    } catch (NoSuchFileException e) {
      throw new IOException(
          "the engine is not built (no " + target + "); run ./mvnw install -DskipTests", e);
    }
  }
}
