package dev.tessera.deploy.farm;

import java.nio.file.Path;

/**
 * Where the launcher finds the built services ({@code root}, the checkout) and keeps its state ({@code state}:
 * models, the running farm's data and logs, {@code stack.env}).
 */
public record FarmHome(Path root, Path state) {
  /**
   * The checkout the launcher runs from ({@code -Dtessera.home}, set by {@code ./farm}), else the working directory,
   * with its state in {@code .farm/}.
   */
  public static FarmHome current() {
    Path root = Path.of(System.getProperty("tessera.home", ".")).toAbsolutePath().normalize();
    return new FarmHome(root, root.resolve(".farm"));
  }

  /** Generated miniature bundles, kept across runs. */
  public Path models() {
    return state().resolve("models");
  }

  /** Data and logs of the farm that runs now; started afresh by every {@code up} and {@code demo}. */
  public Path run() {
    return state().resolve("run");
  }

  public Path stackEnv() {
    return state().resolve("stack.env");
  }

  public Path hostPid() {
    return state().resolve("host.pid");
  }

  /** A service's {@code target/quarkus-app}. */
  public Path quarkusApp(String module) {
    return root.resolve(module).resolve("target").resolve("quarkus-app");
  }

  /** The render worker's jar and classpath file, for the engine's CLI. */
  public Path engineClasspathFile() {
    return root.resolve("render-worker/target/classpath.txt");
  }
}
