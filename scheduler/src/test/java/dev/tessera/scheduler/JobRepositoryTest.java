package dev.tessera.scheduler;

import static dev.tessera.common.JobState.DISPATCHED;
import static dev.tessera.common.JobState.FAILED;
import static dev.tessera.common.JobState.QUEUED;
import static dev.tessera.common.JobState.RUNNING;
import static dev.tessera.common.JobState.SUCCEEDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.StageTimings;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Each guarded write against real PostgreSQL: it wins once, and loses on a stale version or state.
 */
class JobRepositoryTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Instant T1 = Instant.parse("2026-03-01T12:00:42.5Z");

  private final TestDatabase db = TestDatabase.get();
  private final JobRepository jobs = new JobRepository(db.dataSource, t -> {});

  private static JobFields running(int attempt, String worker) {
    return new JobFields(attempt, worker, null, null, null, null, T0, null);
  }

  private JobRow row(UUID id) {
    return jobs.find(id).orElseThrow();
  }

  @Test
  void findsANewJobQueuedAtVersionZero() {
    UUID id = db.insertJob();
    JobRow row = row(id);
    assertEquals(QUEUED, row.state());
    assertEquals(0, row.version());
    assertEquals("sd21", row.model());
    assertEquals(new JobFields(0, null, null, null, null, null, null, null), row.fields());
    assertTrue(jobs.find(UUID.randomUUID()).isEmpty());
  }

  @Test
  void transitionWinsOnceThenLosesOnStaleVersionOrState() {
    UUID id = db.insertJob();
    assertTrue(jobs.transition(id, QUEUED, 0, RUNNING, running(1, "gpu-a")));
    JobRow row = row(id);
    assertEquals(RUNNING, row.state());
    assertEquals(1, row.version());
    assertEquals(running(1, "gpu-a"), row.fields());

    assertFalse(jobs.transition(id, QUEUED, 0, RUNNING, running(2, "gpu-b")), "same guard again");
    assertFalse(
        jobs.transition(id, QUEUED, 1, RUNNING, running(2, "gpu-b")), "right version, wrong state");
    assertFalse(
        jobs.transition(id, RUNNING, 0, RUNNING, running(2, "gpu-b")),
        "right state, stale version");
    assertEquals(row, row(id), "losers change nothing");

    assertTrue(jobs.transition(id, RUNNING, 1, RUNNING, running(2, "gpu-b")));
    assertEquals(2, row(id).version());
  }

  @Test
  void transitionsOutsideTheStateMachineAreRefusedBeforeAnySql() {
    UUID id = db.insertJob();
    var e =
        assertThrows(
            IllegalStateException.class,
            () -> jobs.transition(id, QUEUED, 0, SUCCEEDED, running(1, "w")));
    assertTrue(e.getMessage().contains("QUEUED -> SUCCEEDED"), e.getMessage());
    assertThrows(
        IllegalStateException.class, () -> jobs.transition(id, FAILED, 0, QUEUED, running(1, "w")));
    assertEquals(0, row(id).version());
  }

  @Test
  void succeedSavesTimingsInOrderOnlyWhenItWins() {
    UUID id = db.insertJob();
    jobs.transition(id, QUEUED, 0, RUNNING, running(1, "gpu-a"));
    List<StageTimings.Entry> timings =
        List.of(
            new StageTimings.Entry("tokenize", 0.5, ""),
            new StageTimings.Entry("denoise", 8123.25, "25 steps"),
            new StageTimings.Entry("upscale", 2040, "16 tiles"));
    JobFields done = new JobFields(1, "gpu-a", 25, 25, null, "results/" + id + ".png", T0, T1);

    assertFalse(jobs.succeed(id, RUNNING, 0, done, timings), "stale version");
    assertEquals(List.of(), db.timings(id), "a lost guard saves no timings");

    assertTrue(jobs.succeed(id, RUNNING, 1, done, timings));
    JobRow row = row(id);
    assertEquals(SUCCEEDED, row.state());
    assertEquals(done, row.fields());
    assertEquals(
        List.of("0:tokenize:0.5:", "1:denoise:8123.25:25 steps", "2:upscale:2040.0:16 tiles"),
        db.timings(id));

    assertFalse(jobs.succeed(id, RUNNING, 1, done, timings), "only once");
    assertEquals(3, db.timings(id).size());
  }

  @Test
  void succeedRollsBackTheTransitionWhenTimingsCannotBeSaved() {
    UUID id = db.insertJob();
    jobs.transition(id, QUEUED, 0, RUNNING, running(1, "gpu-a"));
    List<StageTimings.Entry> broken =
        List.of(new StageTimings.Entry("denoise", 1, ""), new StageTimings.Entry(null, 2, ""));
    JobFields done = new JobFields(1, "gpu-a", null, null, null, "k", T0, T1);

    assertThrows(
        JobRepository.StoreException.class, () -> jobs.succeed(id, RUNNING, 1, done, broken));
    JobRow row = row(id);
    assertEquals(RUNNING, row.state());
    assertEquals(1, row.version());
    assertEquals(List.of(), db.timings(id));
  }

  @Test
  void progressIsRecordedOnlyForTheRunningAttemptAndOnlyForward() {
    UUID id = db.insertJob();
    assertFalse(jobs.recordProgress(id, 1, 1, 25), "not running yet");
    jobs.transition(id, QUEUED, 0, RUNNING, running(1, "gpu-a"));

    assertTrue(jobs.recordProgress(id, 1, 5, 25));
    assertFalse(jobs.recordProgress(id, 2, 6, 25), "another attempt");
    assertFalse(jobs.recordProgress(id, 1, 5, 25), "same step again");
    assertFalse(jobs.recordProgress(id, 1, 4, 25), "older step");
    assertTrue(jobs.recordProgress(id, 1, 6, 25));

    JobRow row = row(id);
    assertEquals(6, row.fields().progressStep());
    assertEquals(25, row.fields().progressTotal());
    assertEquals(1, row.version(), "progress is not a state change");
    assertTrue(row.updatedAt().isAfter(row.createdAt()) || row.updatedAt().equals(row.createdAt()));

    jobs.transition(
        id, RUNNING, 1, QUEUED, new JobFields(1, null, null, null, "lost", null, null, null));
    assertFalse(jobs.recordProgress(id, 1, 7, 25), "requeued");
    assertNull(row(id).fields().progressStep());
  }

  @Test
  void theListenerHearsOnlyWonTransitionsItCommitted() throws Exception {
    List<AppliedTransition> heard = new ArrayList<>();
    JobRepository told = new JobRepository(db.dataSource, heard::add);
    UUID tenant = db.insertTenant(1);
    Instant created = Instant.parse("2026-03-01T11:59:00Z");
    UUID id = db.insertJob("sd-told", tenant, 50, created);

    assertFalse(told.transition(id, QUEUED, 3, RUNNING, running(1, "gpu-a")), "stale version");
    try (Connection c = db.dataSource.getConnection()) {
      assertTrue(told.transition(c, id, QUEUED, 0, DISPATCHED, running(1, "gpu-a")));
    }
    assertEquals(List.of(), heard, "lost guards and the caller's own transactions are not told");

    assertTrue(told.transition(id, DISPATCHED, 1, RUNNING, running(1, "gpu-a")));
    List<StageTimings.Entry> timings = List.of(new StageTimings.Entry("denoise", 50, ""));
    JobFields done = new JobFields(1, "gpu-a", null, null, null, "k", T0, T1);
    assertTrue(told.succeed(id, RUNNING, 2, done, timings));
    assertFalse(told.succeed(id, RUNNING, 2, done, timings), "only once");
    assertEquals(
        List.of(
            new AppliedTransition(
                id,
                "sd-told",
                "t-" + tenant,
                DISPATCHED,
                RUNNING,
                running(1, "gpu-a"),
                created,
                List.of()),
            new AppliedTransition(
                id, "sd-told", "t-" + tenant, RUNNING, SUCCEEDED, done, created, timings)),
        heard);
  }
}
