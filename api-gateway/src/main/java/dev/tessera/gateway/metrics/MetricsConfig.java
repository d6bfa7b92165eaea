package dev.tessera.gateway.metrics;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the gauges the gateway computes from PostgreSQL ({@code tessera.metrics.*}). */
@ConfigMapping(prefix = "tessera.metrics")
public interface MetricsConfig {
  /** How often the outbox gauges are counted: one statement per interval, whatever the scrapes. */
  @WithDefault("5s")
  Duration interval();
}
