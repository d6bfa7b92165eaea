package dev.tessera.scheduler;

import static dev.tessera.scheduler.EventApplier.Outcome.APPLIED;
import static dev.tessera.scheduler.EventApplier.Outcome.DUPLICATE;
import static dev.tessera.scheduler.EventApplier.Outcome.IGNORED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.JobEvent.Failed;
import dev.tessera.common.JobEvent.Started;
import dev.tessera.common.JobEvent.Succeeded;
import dev.tessera.common.JobState;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Worker events on dispatched jobs, and the attempt limit, against real PostgreSQL: attempts are
 * the scheduler's dispatch numbers, and every way an attempt can end without a result counts
 * against the same limit.
 */
class DispatchRulesTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  private final TestDatabase db = TestDatabase.get();
  private final JobRepository jobs = new JobRepository(db.dataSource, t -> {});
  private final EventApplier applier = new EventApplier(jobs, new RetryRule(3));

  private JobRow row(UUID id) {
    return jobs.find(id).orElseThrow();
  }

  /** Moves the job to DISPATCHED as the dispatcher does, as its next attempt. */
  private void dispatch(UUID id) {
    JobRow r = row(id);
    assertTrue(
        jobs.transition(
            id,
            r.state(),
            r.version(),
            JobState.DISPATCHED,
            r.fields().dispatched(r.fields().attempt() + 1)));
  }

  @Test
  void aDispatchedJobRunsWhenItsDispatchStarts() {
    UUID id = db.insertJob();
    dispatch(id);
    assertEquals(JobState.DISPATCHED, row(id).state());
    assertEquals(1, row(id).fields().attempt());
    assertEquals(APPLIED, applier.apply(new Started(id, "gpu-a", 1, T0)));
    assertEquals(JobState.RUNNING, row(id).state());
    assertEquals("gpu-a", row(id).fields().workerId());
    assertEquals(DUPLICATE, applier.apply(new Started(id, "gpu-a", 1, T0)));
  }

  @Test
  void aLateStartOfATimedOutDispatchRunsTheRequeuedJobButAnOlderOneIsStale() {
    UUID id = db.insertJob();
    dispatch(id);
    JobRow d = row(id);
    // The sweeper took the dispatch back: QUEUED, still attempt 1.
    assertTrue(
        jobs.transition(
            id,
            JobState.DISPATCHED,
            d.version(),
            JobState.QUEUED,
            d.fields().requeued(1, "not started within 300 s of its dispatch")));
    assertEquals(APPLIED, applier.apply(new Started(id, "gpu-a", 1, T0)));
    assertEquals(JobState.RUNNING, row(id).state());

    UUID other = db.insertJob();
    dispatch(other);
    JobRow o = row(other);
    jobs.transition(
        other,
        JobState.DISPATCHED,
        o.version(),
        JobState.QUEUED,
        o.fields().requeued(1, "no live worker for model sd21"));
    dispatch(other);
    assertEquals(IGNORED, applier.apply(new Started(other, "gpu-a", 1, T0)), "dispatch 1 is old");
    assertEquals(JobState.DISPATCHED, row(other).state());
    assertEquals(APPLIED, applier.apply(new Started(other, "gpu-b", 2, T0)));
  }

  @Test
  void aSuccessWhoseStartWasLostFinishesADispatchedJob() {
    UUID id = db.insertJob();
    dispatch(id);
    Succeeded done = new Succeeded(id, "gpu-a", 1, "images/" + id + ".png", List.of(), T0);
    assertEquals(APPLIED, applier.apply(done));
    assertEquals(JobState.SUCCEEDED, row(id).state());
    assertEquals("images/" + id + ".png", row(id).fields().objectKey());
  }

  @Test
  void retryableFailuresRequeueUntilTheLastAttemptThenFailNamingTheCount() {
    UUID id = db.insertJob();
    for (int attempt = 1; attempt <= 3; attempt++) {
      dispatch(id);
      applier.apply(new Started(id, "gpu-a", attempt, T0));
      assertEquals(
          APPLIED, applier.apply(new Failed(id, "gpu-a", attempt, "CUDA out of memory", true, T0)));
      assertEquals(attempt < 3 ? JobState.QUEUED : JobState.FAILED, row(id).state());
    }
    assertEquals("gave up after 3 of 3 attempts: CUDA out of memory", row(id).fields().error());
    assertEquals(
        DUPLICATE, applier.apply(new Failed(id, "gpu-a", 3, "CUDA out of memory", true, T0)));
  }

  @Test
  void aRefusalBeforeTheStartFailsTheDispatchedJob() {
    UUID id = db.insertJob();
    dispatch(id);
    assertEquals(
        APPLIED, applier.apply(new Failed(id, "gpu-a", 1, "unknown model sd99", false, T0)));
    assertEquals(JobState.FAILED, row(id).state());
  }
}
