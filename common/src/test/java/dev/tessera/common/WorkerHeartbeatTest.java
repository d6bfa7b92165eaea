package dev.tessera.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.WorkerHeartbeat.Activity;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Which activities name a job, and the wire form of each. */
class WorkerHeartbeatTest {
  private static WorkerHeartbeat beat(Activity activity, UUID job) {
    return new WorkerHeartbeat("w-1", List.of("sd2"), activity, job, Instant.EPOCH);
  }

  @Test
  void aBusyWorkerNamesItsJobAndADrainingOneMayName() {
    UUID job = UUID.randomUUID();
    assertEquals(job, beat(Activity.BUSY, job).jobId());
    assertEquals(job, beat(Activity.DRAINING, job).jobId());
    assertNull(beat(Activity.DRAINING, null).jobId());
    IllegalArgumentException busy =
        assertThrows(IllegalArgumentException.class, () -> beat(Activity.BUSY, null));
    assertEquals("a busy worker names its job_id", busy.getMessage());
    for (Activity activity : List.of(Activity.IDLE, Activity.STOPPED)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> beat(activity, job));
      assertEquals(
          "only a busy or draining worker names a job_id, got " + activity, e.getMessage());
    }
  }

  @Test
  void aDrainingBeatTravelsAsJson() {
    WorkerHeartbeat draining = beat(Activity.DRAINING, UUID.randomUUID());
    String json = new String(Json.encode(draining), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(json.contains("\"DRAINING\""), json);
    assertEquals(draining, Json.decode(Json.encode(draining), WorkerHeartbeat.class));
  }

  @Test
  void aBatchingWorkerNamesEveryJobAndAnOlderBeatNamesItsOneJob() {
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    WorkerHeartbeat batch =
        new WorkerHeartbeat(
            "w-1", List.of("sd2"), Activity.BUSY, first, Instant.EPOCH, List.of(first, second));
    assertEquals(batch, Json.decode(Json.encode(batch), WorkerHeartbeat.class));
    assertEquals(List.of(first, second), batch.jobIds());
    String old =
        "{\"worker_id\":\"w-1\",\"models\":[\"sd2\"],\"activity\":\"BUSY\",\"job_id\":\""
            + first
            + "\",\"at\":\"1970-01-01T00:00:00Z\"}";
    assertEquals(List.of(first), Json.decode(old.getBytes(), WorkerHeartbeat.class).jobIds());
    assertEquals(List.of(), beat(Activity.IDLE, null).jobIds());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new WorkerHeartbeat(
                    "w-1", List.of(), Activity.BUSY, first, Instant.EPOCH, List.of(second, first)));
    assertTrue(e.getMessage().contains("job_ids must start with job_id"), e.getMessage());
  }
}
