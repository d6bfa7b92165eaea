package dev.tessera.gateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * How far the outbox relay is behind: {@code tessera_outbox_pending} (rows not yet sent to Kafka)
 * and {@code tessera_outbox_lag_seconds} (age of the oldest of them, 0 when none), set from one
 * statement per {@link #sample()}, however often Prometheus scrapes. The outbox is shared, so every
 * replica exports the same numbers. Thread-safe.
 */
public final class OutboxGauges {
  /** A count that takes longer is given up; the gauges keep their values until the next one. */
  static final int TIMEOUT_SECONDS = 5;

  // Through the partial index of unsent rows: cheap while the relay keeps up.
  private static final String UNSENT =
      """
      SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at)), 0)
      FROM outbox WHERE sent_at IS NULL""";

  private final DataSource dataSource;
  // The registry holds gauges' objects weakly; these are the strong references.
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong lagMillis = new AtomicLong();

  public OutboxGauges(DataSource dataSource, MeterRegistry registry) {
    this.dataSource = dataSource;
    Gauge.builder("tessera.outbox.pending", pending, AtomicLong::get)
        .description("Outbox rows (cancellations) not yet sent to Kafka")
        .register(registry);
    Gauge.builder("tessera.outbox.lag", lagMillis, m -> m.get() / 1000.0)
        .description("Age of the oldest unsent outbox row; 0 when none waits")
        .baseUnit("seconds")
        .register(registry);
  }

  /**
   * Counts the unsent rows and sets the gauges; on a failure they keep their values.
   *
   * @throws SQLException when the database fails or the statement times out
   */
  public void sample() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(UNSENT)) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        pending.set(rs.getLong(1));
        lagMillis.set(Math.max(0, Math.round(rs.getDouble(2) * 1000)));
      }
    }
  }
}
