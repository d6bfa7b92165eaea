package dev.tessera.render.fetch;

import java.nio.file.Path;

/**
 * Where fetched packages and the models made from them are kept between runs: {@code
 * TESSERA_CACHE_DIR}, or {@code ~/.cache/tessera}. Fetched once per machine, so tests and the
 * {@code farm} commands share them.
 */
public final class FetchCache {
  /** The environment variable that moves the cache. */
  public static final String ENV = "TESSERA_CACHE_DIR";

  private FetchCache() {}

  /** The cache directory (not created here). */
  public static Path dir() {
    String dir = System.getenv(ENV);
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "tessera");
  }
}
