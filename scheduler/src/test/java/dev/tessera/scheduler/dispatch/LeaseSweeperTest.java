package dev.tessera.scheduler.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.JobEvent;
import dev.tessera.common.JobState;
import dev.tessera.common.WorkerHeartbeat;
import dev.tessera.common.WorkerHeartbeat.Activity;
import dev.tessera.scheduler.EventApplier;
import dev.tessera.scheduler.JobRepository;
import dev.tessera.scheduler.JobRow;
import dev.tessera.scheduler.RetryRule;
import dev.tessera.scheduler.TestDatabase;
import dev.tessera.scheduler.WorkerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The sweep against real PostgreSQL: jobs of lost workers go back to the queue, or fail naming why
 * on their last attempt; dispatches nobody started come back; live workers' jobs stay.
 */
class LeaseSweeperTest {
  private static final Duration LEASE = Duration.ofSeconds(10);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final TestDatabase db = TestDatabase.get();
  private final JobRepository jobs = new JobRepository(db.dataSource, t -> {});
  private final WorkerRegistry workers = new WorkerRegistry(db.dataSource);
  private final RetryRule retries = new RetryRule(3);
  private final EventApplier events = new EventApplier(jobs, retries);
  private final LeaseSweeper sweeper =
      new LeaseSweeper(
          jobs, retries, new LeaseSweeper.Leases(LEASE, START_TIMEOUT), Clock.systemUTC());
  private final String model = "m-" + UUID.randomUUID();

  private JobRow row(UUID id) {
    return jobs.find(id).orElseThrow();
  }

  private void heartbeat(String worker, Activity activity, UUID job, Instant at) {
    workers.record(new WorkerHeartbeat(worker, List.of(model), activity, job, at));
  }

  /** A job of this test's model, dispatched and started {@code attempt} times on {@code worker}. */
  private UUID running(String worker, int attempt) {
    UUID id = db.insertJob(model, null, 50, Instant.now());
    for (int a = 1; a <= attempt; a++) {
      dispatch(id);
      events.apply(new JobEvent.Started(id, worker, a, Instant.now()));
      if (a < attempt) {
        events.apply(new JobEvent.Failed(id, worker, a, "CUDA out of memory", true, Instant.now()));
      }
    }
    assertEquals(JobState.RUNNING, row(id).state());
    return id;
  }

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

  /** Makes the job's last change {@code ago} old, as if it had happened then. */
  private void age(UUID id, Duration ago) {
    db.execute(
        "UPDATE jobs SET updated_at = now() - interval '"
            + ago.toSeconds()
            + " seconds' WHERE id = '"
            + id
            + "'");
  }

  @Test
  void aSilentWorkersJobGoesBackToTheQueueAndALiveWorkersStays() {
    String silent = "silent-" + model;
    String live = "live-" + model;
    UUID lost = running(silent, 1);
    UUID kept = running(live, 1);
    heartbeat(silent, Activity.BUSY, lost, Instant.now().minusSeconds(15));
    heartbeat(live, Activity.BUSY, kept, Instant.now());

    assertTrue(sweeper.sweep() >= 1);
    JobRow back = row(lost);
    assertEquals(JobState.QUEUED, back.state());
    assertTrue(
        back.fields().error().startsWith("worker " + silent + " lost: no heartbeat for "),
        back.fields().error());
    assertNull(back.fields().workerId());
    assertEquals(JobState.RUNNING, row(kept).state());
  }

  @Test
  void onTheLastAttemptALostWorkerFailsTheJobSayingSo() {
    String worker = "dead-" + model;
    UUID id = running(worker, 3);
    heartbeat(worker, Activity.BUSY, id, Instant.now().minusSeconds(20));
    sweeper.sweep();
    JobRow failed = row(id);
    assertEquals(JobState.FAILED, failed.state());
    assertTrue(
        failed
            .fields()
            .error()
            .startsWith(
                "gave up after 3 of 3 attempts: worker " + worker + " lost: no heartbeat for "),
        failed.fields().error());
  }

  @Test
  void aStoppedWorkerOrOneOnAnotherJobForALeaseHasLostItsJob() {
    String stopped = "stopped-" + model;
    UUID a = running(stopped, 1);
    heartbeat(stopped, Activity.STOPPED, null, Instant.now());

    String restarted = "restarted-" + model;
    UUID b = running(restarted, 1);
    age(b, LEASE.plusSeconds(5));
    heartbeat(restarted, Activity.IDLE, null, Instant.now());

    String busy = "busy-" + model;
    UUID c = running(busy, 1);
    heartbeat(busy, Activity.IDLE, null, Instant.now()); // its BUSY beat is not in yet

    sweeper.sweep();
    assertEquals("worker " + stopped + " lost: it stopped", row(a).fields().error());
    assertEquals(
        "worker " + restarted + " lost: it no longer reports this job", row(b).fields().error());
    assertEquals(JobState.QUEUED, row(b).state());
    assertEquals(JobState.RUNNING, row(c).state(), "a job started within the lease stays");
  }

  /**
   * A worker rendering a batch names every job of it: each stays leased to it however long the
   * batch takes; a job it no longer names goes back after a lease like any other.
   */
  @Test
  void aBatchingWorkerKeepsEveryJobItNames() {
    String worker = "batching-" + model;
    UUID first = running(worker, 1);
    UUID second = running(worker, 1);
    UUID dropped = running(worker, 1);
    for (UUID id : List.of(first, second, dropped)) {
      age(id, LEASE.plusSeconds(30));
    }
    workers.record(
        new WorkerHeartbeat(
            worker, List.of(model), Activity.BUSY, first, Instant.now(), List.of(first, second)));

    sweeper.sweep();
    assertEquals(JobState.RUNNING, row(first).state());
    assertEquals(JobState.RUNNING, row(second).state(), "the second job of the batch is held too");
    assertEquals(JobState.QUEUED, row(dropped).state());
    assertEquals(
        "worker " + worker + " lost: it no longer reports this job", row(dropped).fields().error());
  }

  /**
   * A draining worker that still names its job keeps it however long the drain takes; once it
   * reports no job for a lease, the job is taken back like any other.
   */
  @Test
  void aDrainingWorkerKeepsTheJobItNamesUntilItStopsNamingIt() {
    String draining = "draining-" + model;
    UUID kept = running(draining, 1);
    age(kept, LEASE.plusSeconds(30));
    heartbeat(draining, Activity.DRAINING, kept, Instant.now());

    String drained = "drained-" + model;
    UUID dropped = running(drained, 1);
    age(dropped, LEASE.plusSeconds(5));
    heartbeat(drained, Activity.DRAINING, null, Instant.now());

    sweeper.sweep();
    assertEquals(JobState.RUNNING, row(kept).state(), "its lease holds while it drains");
    assertEquals(JobState.QUEUED, row(dropped).state());
    assertEquals(
        "worker " + drained + " lost: it no longer reports this job",
        row(dropped).fields().error());
  }

  /**
   * A model whose only worker drains has no live worker: its dispatched job goes back without being
   * judged against the limit.
   */
  @Test
  void aDispatchWhoseModelHasOnlyADrainingWorkerComesBack() {
    heartbeat("draining-" + model, Activity.DRAINING, null, Instant.now());
    UUID stranded = db.insertJob(model, null, 50, Instant.now());
    dispatch(stranded);
    age(stranded, LEASE.plusSeconds(1));
    sweeper.sweep();
    assertEquals(JobState.QUEUED, row(stranded).state());
    assertEquals("no live worker for model " + model, row(stranded).fields().error());
  }

  @Test
  void dispatchesNobodyStartedComeBack() {
    String worker = "idle-" + model;
    heartbeat(worker, Activity.IDLE, null, Instant.now());
    UUID late = db.insertJob(model, null, 50, Instant.now());
    dispatch(late);
    age(late, START_TIMEOUT.plusSeconds(1));
    UUID fresh = db.insertJob(model, null, 50, Instant.now());
    dispatch(fresh);

    String orphanModel = model + "-nobody";
    UUID stranded = db.insertJob(orphanModel, null, 50, Instant.now());
    dispatch(stranded);
    age(stranded, LEASE.plusSeconds(1));

    sweeper.sweep();
    assertEquals(JobState.QUEUED, row(late).state());
    assertEquals("not started within 60 s of its dispatch", row(late).fields().error());
    assertEquals(JobState.DISPATCHED, row(fresh).state());
    assertEquals(JobState.QUEUED, row(stranded).state());
    assertEquals("no live worker for model " + orphanModel, row(stranded).fields().error());
    assertEquals(1, row(stranded).fields().attempt(), "not judged against the limit: it never ran");
  }
}
