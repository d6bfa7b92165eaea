package dev.tessera.scheduler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.scheduler.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The backlog and worker gauges counted from real PostgreSQL. */
class BacklogGaugesTest {
  private final TestDatabase db = TestDatabase.get();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final BacklogGauges gauges =
      new BacklogGauges(db.dataSource, Duration.ofSeconds(30), registry);
  // Models of this test's own: the database is shared with other tests.
  private final String model = "m-" + UUID.randomUUID();
  private final String other = "m-" + UUID.randomUUID();

  private double backlog(String model, String state) {
    return registry
        .get("tessera.jobs.backlog")
        .tags("model", model, "state", state)
        .gauge()
        .value();
  }

  private double workers(String model, String status) {
    return registry.get("tessera.workers").tags("model", model, "status", status).gauge().value();
  }

  private void job(String model, String state) {
    UUID id = db.insertJob(model, null, 50, Instant.now());
    db.execute("UPDATE jobs SET state = '" + state + "' WHERE id = '" + id + "'");
  }

  private void worker(String activity, String lastSeen, String... models) {
    String id = "w-" + UUID.randomUUID();
    db.execute(
        "INSERT INTO workers (id, models, activity, first_seen, last_seen) VALUES ('"
            + id
            + "', ARRAY['"
            + String.join("','", models)
            + "'], '"
            + activity
            + "', now(), "
            + lastSeen
            + ")");
  }

  @Test
  void countsWaitingJobsAndLiveWorkersPerModelAndReturnsToZero() {
    job(model, "QUEUED");
    job(model, "QUEUED");
    job(model, "DISPATCHED");
    job(model, "RUNNING");
    job(model, "SUCCEEDED");
    worker("BUSY", "now()", model);
    worker("IDLE", "now()", model, other);
    worker("IDLE", "now()", model);
    worker("DRAINING", "now()", model);
    worker("STOPPED", "now()", model);
    worker("IDLE", "now() - interval '31 seconds'", model);

    gauges.sample();
    assertEquals(2, backlog(model, "queued"));
    assertEquals(1, backlog(model, "dispatched"));
    assertEquals(1, workers(model, "busy"));
    assertEquals(2, workers(model, "idle"), "stopped and silent workers are not counted");
    assertEquals(1, workers(model, "draining"));
    assertEquals(0, backlog(other, "queued"), "a model with workers shows its empty backlog");
    assertEquals(0, workers(other, "busy"));
    assertEquals(1, workers(other, "idle"), "a worker of two models counts for each");

    db.execute(
        "UPDATE jobs SET state = 'CANCELED' WHERE model = '"
            + model
            + "' AND state IN ('QUEUED', 'DISPATCHED')");
    gauges.sample();
    assertEquals(0, backlog(model, "queued"));
    assertEquals(0, backlog(model, "dispatched"));
    assertEquals(1, workers(model, "busy"));
  }
}
