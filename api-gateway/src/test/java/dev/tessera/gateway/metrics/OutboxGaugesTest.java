package dev.tessera.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.gateway.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The outbox gauges counted from real PostgreSQL. The outbox is shared with other tests, and a
 * relay may run beside: this test's rows are told apart by their age (older than any other test
 * writes), and held locked while sampled, so that a relay (which skips locked rows) cannot send
 * them meanwhile.
 */
class OutboxGaugesTest {
  private static final int DAYS = 3650;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final OutboxGauges gauges = new OutboxGauges(TestDatabase.dataSource(), registry);

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void countsUnsentRowsAndTheAgeOfTheOldest() throws Exception {
    String key = "outbox-gauges-" + UUID.randomUUID();
    try (Connection held = TestDatabase.dataSource().getConnection()) {
      held.setAutoCommit(false);
      try (PreparedStatement insert =
          held.prepareStatement(
              "INSERT INTO outbox (topic, key, payload, created_at)"
                  + " VALUES ('test.outbox-gauges', ?, '\\x00', now() - make_interval(days => ?))")) {
        for (int days : new int[] {DAYS + 1, DAYS}) {
          insert.setString(1, key);
          insert.setInt(2, days);
          insert.executeUpdate();
        }
      }
      gauges.sample();
      double pendingBefore = gauge("tessera.outbox.pending");
      held.commit(); // visible to the gauges, and locked below until this test is done
      held.createStatement().execute("SELECT id FROM outbox WHERE key = '" + key + "' FOR UPDATE");

      gauges.sample();
      double pending = gauge("tessera.outbox.pending");
      assertTrue(pending >= pendingBefore + 2, pendingBefore + " unsent rows, then " + pending);
      double lag = gauge("tessera.outbox.lag");
      double oldest = (DAYS + 1) * 86_400.0;
      assertTrue(lag >= oldest && lag < oldest + 60, "the oldest row's age in seconds: " + lag);

      held.createStatement().execute("UPDATE outbox SET sent_at = now() WHERE key = '" + key + "'");
      held.commit();
    }
    gauges.sample();
    assertTrue(gauge("tessera.outbox.lag") < DAYS * 86_400.0, "the old rows were sent");
  }
}
