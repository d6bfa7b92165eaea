package dev.tessera.scheduler.dispatch;

import dev.tessera.common.JobState;
import dev.tessera.scheduler.JobFields;
import dev.tessera.scheduler.JobRepository;
import dev.tessera.scheduler.JobRepository.Orphan;
import dev.tessera.scheduler.JobRow;
import dev.tessera.scheduler.RetryRule;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Takes jobs back from workers that are gone, so that no job stays RUNNING or DISPATCHED without a
 * live worker: a RUNNING job whose worker's lease expired (see {@link JobRepository#lostRunning}),
 * and a DISPATCHED job that nobody started in time or whose model has no live worker left (see
 * {@link JobRepository#unstartedDispatches}). Each goes back to the queue, or fails for good when
 * the {@link RetryRule} says its attempts are used up, through the same guarded transition as every
 * other move. Item by item: a job that cannot be moved now (a lost race, a database error) is
 * logged and skipped, and the next sweep finds it again.
 */
public final class LeaseSweeper {
  /** The most jobs one sweep looks at per kind; the next sweep takes the rest. */
  static final int BATCH = 500;

  private static final System.Logger LOG = System.getLogger(LeaseSweeper.class.getName());

  /**
   * @param lease a worker silent this long is lost
   * @param startTimeout a dispatched job not started this long is taken back
   */
  public record Leases(Duration lease, Duration startTimeout) {}

  private final JobRepository jobs;
  private final RetryRule retries;
  private final Leases leases;
  private final Clock clock;

  public LeaseSweeper(JobRepository jobs, RetryRule retries, Leases leases, Clock clock) {
    this.jobs = jobs;
    this.retries = retries;
    this.leases = leases;
    this.clock = clock;
  }

  /**
   * Sweeps once.
   *
   * @return how many jobs it moved
   * @throws JobRepository.StoreException when the database cannot even be searched
   */
  public int sweep() {
    int moved = move(jobs.lostRunning(leases.lease(), BATCH));
    return moved + move(jobs.unstartedDispatches(leases.startTimeout(), leases.lease(), BATCH));
  }

  private int move(List<Orphan> orphans) {
    int moved = 0;
    for (Orphan orphan : orphans) {
      try {
        if (move(orphan)) {
          moved++;
        } else {
          LOG.log(
              Level.INFO,
              "job {0} changed while being swept; next sweep looks again",
              orphan.row().id());
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "cannot take back job " + orphan.row().id() + "; skipped", e);
      }
    }
    return moved;
  }

  private boolean move(Orphan orphan) {
    JobRow row = orphan.row();
    JobFields f = row.fields();
    JobState to;
    JobFields next;
    if (orphan.attemptSpent()) {
      RetryRule.Decision d =
          retries.afterLostAttempt(f, f.attempt(), f.workerId(), orphan.reason(), clock.instant());
      to = d.state();
      next = d.fields();
    } else {
      to = JobState.QUEUED;
      next = f.requeued(f.attempt(), orphan.reason());
    }
    boolean won = jobs.transition(row.id(), row.state(), row.version(), to, next);
    if (won) {
      LOG.log(
          to == JobState.FAILED ? Level.WARNING : Level.INFO,
          "job {0} {1} -> {2}: {3}",
          row.id(),
          row.state(),
          to,
          next.error());
    }
    return won;
  }
}
