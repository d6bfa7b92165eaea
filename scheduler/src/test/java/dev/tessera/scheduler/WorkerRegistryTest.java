package dev.tessera.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.WorkerHeartbeat;
import dev.tessera.common.WorkerHeartbeat.Activity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The registry against real PostgreSQL: latest heartbeat wins, capacity counts live workers that
 * take jobs (idle or busy; not draining or stopped).
 */
class WorkerRegistryTest {
  private final TestDatabase db = TestDatabase.get();
  private final WorkerRegistry registry = new WorkerRegistry(db.dataSource);
  private final String model = "m-" + UUID.randomUUID();

  private static WorkerHeartbeat beat(String id, String model, Activity a, UUID job, Instant at) {
    return new WorkerHeartbeat(id, List.of(model), a, job, at);
  }

  private String activity(String id) throws SQLException {
    try (Connection c = db.dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT activity FROM workers WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  @Test
  void aNewWorkerOrAChangedActivityIsAChangeAndAnOlderHeartbeatChangesNothing() throws Exception {
    String id = "w-" + UUID.randomUUID();
    Instant now = Instant.now();
    assertTrue(registry.record(beat(id, model, Activity.IDLE, null, now.minusSeconds(2))));
    assertFalse(registry.record(beat(id, model, Activity.IDLE, null, now.minusSeconds(1))));
    UUID job = UUID.randomUUID();
    assertTrue(registry.record(beat(id, model, Activity.BUSY, job, now)));
    assertFalse(
        registry.record(beat(id, model, Activity.IDLE, null, now.minusSeconds(5))),
        "a replayed older heartbeat");
    assertEquals("BUSY", activity(id));
  }

  @Test
  void capacityCountsWorkersHeardFromWithinTheLeaseThatTakeJobs() throws Exception {
    Instant now = Instant.now();
    registry.record(beat("a-" + model, model, Activity.IDLE, null, now));
    registry.record(beat("b-" + model, model, Activity.BUSY, UUID.randomUUID(), now));
    registry.record(beat("c-" + model, model, Activity.IDLE, null, now.minusSeconds(60)));
    registry.record(beat("d-" + model, model, Activity.STOPPED, null, now));
    registry.record(beat("f-" + model, model, Activity.DRAINING, UUID.randomUUID(), now));
    registry.record(beat("g-" + model, model, Activity.DRAINING, null, now));
    // A clock running ahead cannot keep a worker alive past its lease.
    registry.record(beat("e-" + model, model, Activity.IDLE, null, now.plusSeconds(3600)));
    assertEquals(3, registry.capacity(Duration.ofSeconds(30)).get(model));
    assertNull(registry.capacity(Duration.ofSeconds(30)).get("m-none"));
    registry.record(
        beat("old-" + model, model, Activity.IDLE, null, now.minus(Duration.ofDays(2))));
    assertTrue(registry.forget(Duration.ofDays(1)) >= 1);
    assertNull(activity("old-" + model));
    assertEquals("IDLE", activity("c-" + model), "a worker lost for a minute stays listed");
  }
}
