package dev.tessera.scheduler;

import static dev.tessera.scheduler.EventApplier.Outcome.APPLIED;
import static dev.tessera.scheduler.EventApplier.Outcome.CONFLICT;
import static dev.tessera.scheduler.EventApplier.Outcome.DUPLICATE;
import static dev.tessera.scheduler.EventApplier.Outcome.IGNORED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.common.JobEvent;
import dev.tessera.common.JobEvent.Failed;
import dev.tessera.common.JobEvent.Progress;
import dev.tessera.common.JobEvent.Started;
import dev.tessera.common.JobEvent.Succeeded;
import dev.tessera.common.JobState;
import dev.tessera.common.StageTimings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The event rules against real PostgreSQL: every redelivered, late or stale event changes nothing.
 */
class EventApplierTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Instant T1 = T0.plusSeconds(3);
  private static final Instant T2 = T0.plusSeconds(9);
  private static final List<StageTimings.Entry> TIMINGS =
      List.of(
          new StageTimings.Entry("encode", 40.5, ""),
          new StageTimings.Entry("denoise", 6100, "25 steps"),
          new StageTimings.Entry("decode", 300.25, "tiled 2x2"),
          new StageTimings.Entry("png", 12, ""));

  private final TestDatabase db = TestDatabase.get();
  private final JobRepository jobs = new JobRepository(db.dataSource, t -> {});
  private final EventApplier applier = new EventApplier(jobs, new RetryRule(3));

  private JobRow row(UUID id) {
    return jobs.find(id).orElseThrow();
  }

  private static Succeeded succeeded(UUID id, String worker, int attempt) {
    return new Succeeded(id, worker, attempt, "results/" + id + ".png", TIMINGS, T2);
  }

  @Test
  void happyPath() {
    UUID id = db.insertJob();
    assertEquals(APPLIED, applier.apply(new Started(id, "gpu-a", 1, T0)));
    JobRow running = row(id);
    assertEquals(JobState.RUNNING, running.state());
    assertEquals(new JobFields(1, "gpu-a", null, null, null, null, T0, null), running.fields());

    for (int step = 1; step <= 25; step += 8) {
      assertEquals(APPLIED, applier.apply(new Progress(id, "gpu-a", 1, step, 25, T1)));
    }
    assertEquals(25, row(id).fields().progressStep());

    assertEquals(APPLIED, applier.apply(succeeded(id, "gpu-a", 1)));
    JobRow done = row(id);
    assertEquals(JobState.SUCCEEDED, done.state());
    assertEquals(
        new JobFields(1, "gpu-a", 25, 25, null, "results/" + id + ".png", T0, T2), done.fields());
    assertEquals(2, done.version(), "two state changes; progress bumps no version");
    assertEquals(
        List.of(
            "0:encode:40.5:",
            "1:denoise:6100.0:25 steps",
            "2:decode:300.25:tiled 2x2",
            "3:png:12.0:"),
        db.timings(id));
  }

  @Test
  void duplicatesChangeNothing() {
    UUID id = db.insertJob();
    List<JobEvent> events =
        List.of(
            new Started(id, "gpu-a", 1, T0),
            new Progress(id, "gpu-a", 1, 5, 25, T1),
            succeeded(id, "gpu-a", 1));
    for (JobEvent e : events) {
      assertEquals(APPLIED, applier.apply(e), e.toString());
      JobRow before = row(id);
      assertEquals(DUPLICATE, applier.apply(e), e.toString());
      assertEquals(before, row(id), "a duplicate of " + e);
    }
    assertEquals(TIMINGS.size(), db.timings(id).size(), "timings saved once");
  }

  @Test
  void lateProgressAfterSuccessIsIgnored() {
    UUID id = db.insertJob();
    applier.apply(new Started(id, "gpu-a", 1, T0));
    applier.apply(new Progress(id, "gpu-a", 1, 20, 25, T1));
    applier.apply(succeeded(id, "gpu-a", 1));
    JobRow done = row(id);

    assertEquals(IGNORED, applier.apply(new Progress(id, "gpu-a", 1, 24, 25, T1)));
    assertEquals(IGNORED, applier.apply(new Started(id, "gpu-b", 2, T1)));
    assertEquals(IGNORED, applier.apply(new Failed(id, "gpu-a", 1, "late", false, T1)));
    assertEquals(
        IGNORED,
        applier.apply(succeeded(id, "gpu-b", 2)),
        "another attempt's result: the job is done");
    assertEquals(done, row(id));
  }

  @Test
  void redeliveryWithAHigherAttemptTakesOverAndStaleEventsAreIgnored() {
    UUID id = db.insertJob();
    applier.apply(new Started(id, "gpu-a", 1, T0));
    applier.apply(new Progress(id, "gpu-a", 1, 12, 25, T0));

    // gpu-a died; the queue redelivered the job to gpu-b as attempt 2.
    assertEquals(APPLIED, applier.apply(new Started(id, "gpu-b", 2, T1)));
    assertEquals(new JobFields(2, "gpu-b", null, null, null, null, T1, null), row(id).fields());
    assertEquals(JobState.RUNNING, row(id).state());

    assertEquals(
        IGNORED, applier.apply(new Progress(id, "gpu-a", 1, 13, 25, T1)), "old attempt's progress");
    assertEquals(IGNORED, applier.apply(new Started(id, "gpu-a", 1, T0)), "old attempt's start");
    assertEquals(
        IGNORED,
        applier.apply(new Failed(id, "gpu-a", 1, "lost lock", false, T1)),
        "old attempt's failure");
    assertEquals(DUPLICATE, applier.apply(new Started(id, "gpu-b", 2, T1)));
    assertEquals(APPLIED, applier.apply(new Progress(id, "gpu-b", 2, 3, 25, T1)));

    assertEquals(APPLIED, applier.apply(succeeded(id, "gpu-b", 2)));
    assertEquals(JobState.SUCCEEDED, row(id).state());
    assertEquals(2, row(id).fields().attempt());
  }

  @Test
  void nonRetryableFailureFailsTheJobForGood() {
    UUID id = db.insertJob();
    applier.apply(new Started(id, "gpu-a", 1, T0));
    Failed failed = new Failed(id, "gpu-a", 1, "unknown model sd99", false, T1);
    assertEquals(APPLIED, applier.apply(failed));
    JobRow row = row(id);
    assertEquals(JobState.FAILED, row.state());
    assertEquals(
        new JobFields(1, "gpu-a", null, null, "unknown model sd99", null, T0, T1), row.fields());

    assertEquals(DUPLICATE, applier.apply(failed));
    assertEquals(IGNORED, applier.apply(new Started(id, "gpu-b", 2, T2)));
    assertEquals(IGNORED, applier.apply(succeeded(id, "gpu-b", 2)));
    assertEquals(row, row(id));
  }

  @Test
  void retryableFailureRequeuesTheJobForTheNextDispatch() {
    UUID id = db.insertJob();
    applier.apply(new Started(id, "gpu-a", 1, T0));
    applier.apply(new Progress(id, "gpu-a", 1, 9, 25, T0));
    Failed oom = new Failed(id, "gpu-a", 1, "CUDA out of memory", true, T1);
    assertEquals(APPLIED, applier.apply(oom));
    JobRow queued = row(id);
    assertEquals(JobState.QUEUED, queued.state());
    assertEquals(
        new JobFields(1, null, null, null, "CUDA out of memory", null, null, null),
        queued.fields());

    assertEquals(DUPLICATE, applier.apply(oom));
    assertEquals(queued, row(id));
    // A replay of the whole attempt (the scheduler restarted before committing its offsets) ends
    // where it was.
    assertEquals(APPLIED, applier.apply(new Started(id, "gpu-a", 1, T0)));
    assertEquals(APPLIED, applier.apply(oom));
    assertEquals(JobState.QUEUED, row(id).state());
    assertEquals(queued.fields(), row(id).fields());

    assertEquals(APPLIED, applier.apply(new Started(id, "gpu-b", 2, T2)));
    JobRow running = row(id);
    assertEquals(JobState.RUNNING, running.state());
    assertEquals(
        new JobFields(2, "gpu-b", null, null, "CUDA out of memory", null, T2, null),
        running.fields());
  }

  @Test
  void eventsWhoseStartWasLostStillFinishTheJob() {
    UUID succeeds = db.insertJob();
    assertEquals(APPLIED, applier.apply(succeeded(succeeds, "gpu-a", 1)));
    JobRow done = row(succeeds);
    assertEquals(JobState.SUCCEEDED, done.state());
    assertEquals(
        new JobFields(1, "gpu-a", null, null, null, "results/" + succeeds + ".png", null, T2),
        done.fields());
    assertEquals(2, done.version(), "through RUNNING, as the state machine has it");
    assertEquals(TIMINGS.size(), db.timings(succeeds).size());

    UUID fails = db.insertJob();
    assertEquals(APPLIED, applier.apply(new Failed(fails, "gpu-a", 1, "bad settings", false, T1)));
    assertEquals(JobState.FAILED, row(fails).state());

    UUID retries = db.insertJob();
    assertEquals(
        IGNORED, applier.apply(new Failed(retries, "gpu-a", 1, "oom", true, T1)), "already queued");
    assertEquals(0, row(retries).version());
  }

  @Test
  void eventsForUnknownJobsAreIgnored() {
    assertEquals(IGNORED, applier.apply(new Started(UUID.randomUUID(), "gpu-a", 1, T0)));
  }

  @Test
  void aLostRaceIsReadAgainAndRetried() {
    UUID id = db.insertJob();
    AtomicInteger interference = new AtomicInteger(2);
    EventApplier racing = new EventApplier(new CompetingWriter(db, interference), new RetryRule(3));
    assertEquals(APPLIED, racing.apply(new Started(id, "gpu-a", 1, T0)));
    assertEquals(0, interference.get());
    JobRow row = row(id);
    assertEquals(JobState.RUNNING, row.state());
    assertEquals(3, row.version(), "two competing writes, then ours");
  }

  @Test
  void endlessLostRacesEndInConflict() {
    UUID id = db.insertJob();
    EventApplier racing =
        new EventApplier(
            new CompetingWriter(db, new AtomicInteger(Integer.MAX_VALUE)), new RetryRule(3));
    assertEquals(CONFLICT, racing.apply(new Started(id, "gpu-a", 1, T0)));
    assertEquals(JobState.QUEUED, row(id).state());
    assertEquals(EventApplier.MAX_TRIES, row(id).version());
  }

  @Test
  void concurrentDeliveriesOfOneEventApplyItOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < 20; i++) {
        UUID id = db.insertJob();
        Started started = new Started(id, "gpu-a", 1, T0);
        Callable<EventApplier.Outcome> apply = () -> applier.apply(started);
        List<Future<EventApplier.Outcome>> results =
            new ArrayList<>(pool.invokeAll(List.of(apply, apply)));
        List<EventApplier.Outcome> outcomes = new ArrayList<>();
        for (Future<EventApplier.Outcome> r : results) {
          outcomes.add(r.get());
        }
        outcomes.sort(null);
        assertEquals(List.of(APPLIED, DUPLICATE), outcomes);
        assertEquals(1, row(id).version());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
