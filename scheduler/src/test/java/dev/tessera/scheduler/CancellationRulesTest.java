package dev.tessera.scheduler;

import static dev.tessera.scheduler.EventApplier.Outcome.APPLIED;
import static dev.tessera.scheduler.EventApplier.Outcome.CONFLICT;
import static dev.tessera.scheduler.EventApplier.Outcome.DUPLICATE;
import static dev.tessera.scheduler.EventApplier.Outcome.IGNORED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.common.ControlMessage.Cancel;
import dev.tessera.common.JobEvent;
import dev.tessera.common.JobEvent.Canceled;
import dev.tessera.common.JobEvent.Failed;
import dev.tessera.common.JobEvent.Progress;
import dev.tessera.common.JobEvent.Started;
import dev.tessera.common.JobEvent.Succeeded;
import dev.tessera.common.JobState;
import dev.tessera.common.StageTimings;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Cancellation against real PostgreSQL: an owner's request ends a queued job, a worker's report
 * ends a running one, and whatever ended a job first stands against late or duplicate messages.
 */
class CancellationRulesTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Instant T1 = T0.plusSeconds(3);
  private static final Instant T2 = T0.plusSeconds(9);
  private static final List<StageTimings.Entry> TIMINGS =
      List.of(new StageTimings.Entry("denoise", 6100, "25 steps"));

  private final TestDatabase db = TestDatabase.get();
  private final JobRepository jobs = new JobRepository(db.dataSource, t -> {});
  private final EventApplier events = new EventApplier(jobs, new RetryRule(3));
  private final CancelRequestApplier cancels = new CancelRequestApplier(jobs);

  private JobRow row(UUID id) {
    return jobs.find(id).orElseThrow();
  }

  private static Succeeded succeeded(UUID id, String worker, int attempt) {
    return new Succeeded(id, worker, attempt, "results/" + id + ".png", TIMINGS, T2);
  }

  /** Every worker event a late or unaware worker could still send about attempt 1. */
  private static List<JobEvent> lateEvents(UUID id) {
    return List.of(
        new Started(id, "gpu-a", 1, T1),
        new Progress(id, "gpu-a", 1, 3, 25, T1),
        succeeded(id, "gpu-a", 1),
        new Failed(id, "gpu-a", 1, "late", false, T2),
        new Failed(id, "gpu-a", 1, "late", true, T2));
  }

  @Test
  void aQueuedJobIsCanceledByTheRequestAndNothingLateChangesIt() {
    UUID id = db.insertJob();
    assertEquals(APPLIED, cancels.apply(new Cancel(id, T1)));
    JobRow canceled = row(id);
    assertEquals(JobState.CANCELED, canceled.state());
    assertEquals(1, canceled.version());
    assertEquals(new JobFields(0, null, null, null, null, null, null, T1), canceled.fields());

    assertEquals(DUPLICATE, cancels.apply(new Cancel(id, T1)), "the request relayed twice");
    assertEquals(
        DUPLICATE,
        events.apply(new Canceled(id, "gpu-a", 1, T2)),
        "a worker that took the job and acknowledged it without rendering");
    for (JobEvent late : lateEvents(id)) {
      assertEquals(IGNORED, events.apply(late), late.toString());
    }
    assertEquals(canceled, row(id));
    assertEquals(List.of(), db.timings(id), "a late success saves no timings");
  }

  @Test
  void aRunningJobIsLeftToItsWorkerWhoseReportCancelsIt() {
    UUID id = db.insertJob();
    events.apply(new Started(id, "gpu-a", 1, T0));
    events.apply(new Progress(id, "gpu-a", 1, 7, 25, T1));
    JobRow running = row(id);

    assertEquals(IGNORED, cancels.apply(new Cancel(id, T1)));
    assertEquals(running, row(id), "the request alone does not end a running job");

    Canceled stopped = new Canceled(id, "gpu-a", 1, T2);
    assertEquals(APPLIED, events.apply(stopped));
    JobRow canceled = row(id);
    assertEquals(JobState.CANCELED, canceled.state());
    assertEquals(running.version() + 1, canceled.version());
    assertEquals(new JobFields(1, "gpu-a", 7, 25, null, null, T0, T2), canceled.fields());

    assertEquals(DUPLICATE, events.apply(stopped));
    assertEquals(DUPLICATE, cancels.apply(new Cancel(id, T1)), "the request read after the report");
    for (JobEvent late : lateEvents(id)) {
      assertEquals(IGNORED, events.apply(late), late.toString());
    }
    assertEquals(canceled, row(id));
  }

  @Test
  void aJobThatEndedBeforeTheCancelKeepsItsResult() {
    UUID succeeded = db.insertJob();
    events.apply(new Started(succeeded, "gpu-a", 1, T0));
    events.apply(succeeded(succeeded, "gpu-a", 1));
    UUID failed = db.insertJob();
    events.apply(new Started(failed, "gpu-a", 1, T0));
    events.apply(new Failed(failed, "gpu-a", 1, "unknown model", false, T1));

    for (UUID id : List.of(succeeded, failed)) {
      JobRow ended = row(id);
      assertEquals(IGNORED, cancels.apply(new Cancel(id, T2)));
      assertEquals(IGNORED, events.apply(new Canceled(id, "gpu-b", 2, T2)));
      assertEquals(ended, row(id));
    }
    assertEquals(JobState.SUCCEEDED, row(succeeded).state());
    assertEquals("results/" + succeeded + ".png", row(succeeded).fields().objectKey());
    assertEquals(JobState.FAILED, row(failed).state());
  }

  @Test
  void anyDeliverysReportEndsTheJob() {
    // Cancelled while delivery 1 ran; it failed (retryably) before it heard of the cancel, so the
    // job went back to the queue, and the worker that took delivery 2 acknowledged it unrendered.
    UUID requeued = db.insertJob();
    events.apply(new Started(requeued, "gpu-a", 1, T0));
    assertEquals(IGNORED, cancels.apply(new Cancel(requeued, T0)));
    events.apply(new Failed(requeued, "gpu-a", 1, "CUDA out of memory", true, T1));
    assertEquals(JobState.QUEUED, row(requeued).state());
    assertEquals(APPLIED, events.apply(new Canceled(requeued, "gpu-b", 2, T2)));
    assertEquals(
        new JobFields(1, null, null, null, "CUDA out of memory", null, null, T2),
        row(requeued).fields(),
        "an unrendered delivery is not counted as an attempt");

    // Delivery 2 runs elsewhere; delivery 1's worker, which heard of the cancel, reports first.
    UUID redelivered = db.insertJob();
    events.apply(new Started(redelivered, "gpu-a", 1, T0));
    events.apply(new Started(redelivered, "gpu-b", 2, T1));
    assertEquals(APPLIED, events.apply(new Canceled(redelivered, "gpu-a", 1, T2)));
    assertEquals(JobState.CANCELED, row(redelivered).state());
    assertEquals(DUPLICATE, events.apply(new Canceled(redelivered, "gpu-b", 2, T2)));
  }

  @Test
  void cancelRequestsForUnknownJobsAreIgnored() {
    assertEquals(IGNORED, cancels.apply(new Cancel(UUID.randomUUID(), T0)));
    assertEquals(IGNORED, events.apply(new Canceled(UUID.randomUUID(), "gpu-a", 1, T0)));
  }

  @Test
  void aLostRaceIsReadAgainAndRetried() {
    UUID id = db.insertJob();
    AtomicInteger interference = new AtomicInteger(2);
    CancelRequestApplier racing = new CancelRequestApplier(new CompetingWriter(db, interference));
    assertEquals(APPLIED, racing.apply(new Cancel(id, T1)));
    assertEquals(0, interference.get());
    assertEquals(JobState.CANCELED, row(id).state());
    assertEquals(3, row(id).version(), "two competing writes, then ours");

    UUID endless = db.insertJob();
    CancelRequestApplier losing =
        new CancelRequestApplier(new CompetingWriter(db, new AtomicInteger(Integer.MAX_VALUE)));
    assertEquals(CONFLICT, losing.apply(new Cancel(endless, T1)));
    assertEquals(JobState.QUEUED, row(endless).state());
  }

  @Test
  void aCancelRacingAStartEndsTheJobEitherWay() {
    // The request is applied first: the job never runs, whatever its worker reports afterwards.
    UUID requestFirst = db.insertJob();
    assertEquals(APPLIED, cancels.apply(new Cancel(requestFirst, T0)));
    assertEquals(IGNORED, events.apply(new Started(requestFirst, "gpu-a", 1, T1)));
    assertEquals(DUPLICATE, events.apply(new Canceled(requestFirst, "gpu-a", 1, T2)));
    assertEquals(JobState.CANCELED, row(requestFirst).state());

    // The start is applied first: the request waits for the worker's report.
    UUID startFirst = db.insertJob();
    events.apply(new Started(startFirst, "gpu-a", 1, T0));
    assertEquals(IGNORED, cancels.apply(new Cancel(startFirst, T0)));
    assertEquals(APPLIED, events.apply(new Canceled(startFirst, "gpu-a", 1, T2)));
    assertEquals(JobState.CANCELED, row(startFirst).state());
  }
}
