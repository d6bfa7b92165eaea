package dev.tessera.gateway.watch;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of cheap polling and the event streams ({@code tessera.watch.*}). */
@ConfigMapping(prefix = "tessera.watch")
public interface WatchConfig {
  /**
   * Waiting requests ({@code ?wait}) and open event streams at once; past it they answer 503 with
   * Retry-After. Each costs a map entry and, while the request lasts, its connection.
   */
  @WithDefault("10000")
  int maxWatches();

  /**
   * How long a kept answer (a job's status, an API key's tenant) may be served without a query. The
   * database announces every change, which ends a kept answer at once; this bounds how stale one
   * can get should an announcement be lost.
   */
  @WithDefault("5s")
  Duration cacheTtl();

  /** How many job answers, and how many API keys, are kept at most. */
  @WithDefault("100000")
  long cacheSize();

  /** Longest pause between the change listener's attempts to reconnect to the database. */
  @WithDefault("10s")
  Duration maxBackoff();
}
