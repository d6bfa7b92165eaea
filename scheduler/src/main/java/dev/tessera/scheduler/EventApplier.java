package dev.tessera.scheduler;

import dev.tessera.common.JobEvent;
import dev.tessera.common.JobState;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * Applies worker events to job rows, through the job state machine and guarded writes, so that a
 * duplicate, late or out-of-order event changes nothing it should not. An event's attempt {@code n}
 * is the dispatch the worker took (the scheduler numbers dispatches). The rules, by the job's
 * current state:
 *
 * <ul>
 *   <li>{@code Started(n)}: DISPATCHED or QUEUED with attempt &le; n (a dispatch that timed out and
 *       was started after all), or RUNNING with attempt &lt; n (a newer dispatch after its worker
 *       was lost), becomes RUNNING attempt n; RUNNING attempt n is a duplicate; anything older is
 *       stale.
 *   <li>{@code Progress(n)}: recorded only while RUNNING attempt n, and only forward.
 *   <li>{@code Succeeded(n)}: RUNNING becomes SUCCEEDED attempt n, whatever the running attempt:
 *       the image is stored, so it is the job's result even if a newer dispatch is running. QUEUED
 *       or DISPATCHED (its start was lost) goes through RUNNING first, as the state machine has it.
 *   <li>{@code Failed(n)}: RUNNING or DISPATCHED with attempt &le; n becomes FAILED, or, when the
 *       failure is retryable, whatever the {@link RetryRule} says (QUEUED for another dispatch, or
 *       FAILED once the attempts are used up); QUEUED with attempt &le; n becomes FAILED when not
 *       retryable. An older attempt's failure is stale.
 *   <li>{@code Canceled(n)}: QUEUED, DISPATCHED or RUNNING, whatever the attempt, becomes CANCELED:
 *       a worker reports it only for a job its owner cancelled, so any attempt's report ends it.
 *   <li>Anything on a terminal job is ignored, or counted a duplicate when it is the event that
 *       ended the job. Hence the rule for a cancel that races the end of a job: whichever terminal
 *       state is written first stands (a job that succeeded stays SUCCEEDED and keeps its image; a
 *       job cancelled while queued stays CANCELED even if a worker that had not yet heard of it
 *       reports a success).
 * </ul>
 *
 * A write that loses its guard to a concurrent writer is decided again on a fresh read, at most
 * {@value #MAX_TRIES} times. Plain Java: the caller owns threads and transactions of the messaging
 * side.
 */
public final class EventApplier {
  /** What applying one event did; for tests, logs and metrics. */
  public enum Outcome {
    /** The event changed the job. */
    APPLIED,
    /** The job already shows what the event says (a redelivered event). */
    DUPLICATE,
    /** Stale, out of order, for a terminal or unknown job: nothing to change. */
    IGNORED,
    /** Every try lost its guard to a concurrent writer; the event should be applied again later. */
    CONFLICT
  }

  static final int MAX_TRIES = 5;

  private static final System.Logger LOG = System.getLogger(EventApplier.class.getName());

  private final JobRepository jobs;
  private final RetryRule retries;

  public EventApplier(JobRepository jobs, RetryRule retries) {
    this.jobs = jobs;
    this.retries = retries;
  }

  /** Applies {@code event} to its job; each write it makes is committed when this returns. */
  public Outcome apply(JobEvent event) {
    for (int i = 0; i < MAX_TRIES; i++) {
      Optional<JobRow> row = jobs.find(event.jobId());
      if (row.isEmpty()) {
        LOG.log(Level.WARNING, "event for unknown job: {0}", event);
        return Outcome.IGNORED;
      }
      Optional<Outcome> outcome = tryApply(row.get(), event);
      if (outcome.isPresent()) {
        return outcome.get();
      }
    }
    LOG.log(Level.WARNING, "gave up after {0} lost races: {1}", MAX_TRIES, event);
    return Outcome.CONFLICT;
  }

  /**
   * The outcome, or empty when the row must be read again: the guarded write lost, or a first step
   * was taken.
   */
  private Optional<Outcome> tryApply(JobRow row, JobEvent event) {
    if (event instanceof JobEvent.Started s) {
      return started(row, s);
    } else if (event instanceof JobEvent.Progress p) {
      return progress(row, p);
    } else if (event instanceof JobEvent.Succeeded s) {
      return succeeded(row, s);
    } else if (event instanceof JobEvent.Canceled c) {
      return canceled(row, c);
    } else {
      return failed(row, (JobEvent.Failed) event);
    }
  }

  private Optional<Outcome> started(JobRow row, JobEvent.Started e) {
    int current = row.fields().attempt();
    if (row.state() == JobState.RUNNING && e.attempt() == current) {
      return duplicate(row, e);
    }
    if (row.state().isTerminal() || e.attempt() < current) {
      return ignored(row, e);
    }
    return write(row, JobState.RUNNING, row.fields().started(e.attempt(), e.workerId(), e.at()));
  }

  private Optional<Outcome> progress(JobRow row, JobEvent.Progress e) {
    if (row.state() != JobState.RUNNING || e.attempt() != row.fields().attempt()) {
      return ignored(row, e);
    }
    Integer reported = row.fields().progressStep();
    if (reported != null && e.step() <= reported) {
      return duplicate(row, e);
    }
    return jobs.recordProgress(row.id(), e.attempt(), e.step(), e.total())
        ? applied()
        : Optional.empty();
  }

  private Optional<Outcome> succeeded(JobRow row, JobEvent.Succeeded e) {
    if (row.state() == JobState.SUCCEEDED && e.attempt() == row.fields().attempt()) {
      return duplicate(row, e);
    }
    if (row.state().isTerminal()) {
      return ignored(row, e);
    }
    JobFields f = row.fields();
    if (row.state() != JobState.RUNNING) {
      // Its start was lost: the table has no way to SUCCEEDED but from RUNNING, so mark it running
      // (start time unknown) and finish it on the next read; a crash in between leaves it RUNNING
      // until this event is redelivered.
      JobFields running = f.startLost(Math.max(e.attempt(), f.attempt()), e.workerId());
      jobs.transition(row.id(), row.state(), row.version(), JobState.RUNNING, running);
      return Optional.empty(); // won or lost, the next read decides
    }
    JobFields done = f.succeeded(e.attempt(), e.workerId(), e.objectKey(), e.at());
    if (!jobs.succeed(row.id(), row.state(), row.version(), done, e.timings())) {
      return Optional.empty();
    }
    logTransition(row, JobState.SUCCEEDED, done);
    return applied();
  }

  private Optional<Outcome> failed(JobRow row, JobEvent.Failed e) {
    int current = row.fields().attempt();
    boolean alreadyThere =
        e.attempt() == current
            && (row.state() == JobState.FAILED || row.state() == JobState.QUEUED && e.retryable());
    if (alreadyThere) {
      return duplicate(row, e);
    }
    boolean live =
        (row.state() == JobState.RUNNING || row.state() == JobState.DISPATCHED)
                && e.attempt() >= current
            || row.state() == JobState.QUEUED && e.attempt() >= current && !e.retryable();
    if (!live) {
      return ignored(row, e);
    }
    JobFields f = row.fields();
    if (e.retryable()) {
      RetryRule.Decision next =
          retries.afterLostAttempt(f, e.attempt(), e.workerId(), e.reason(), e.at());
      return write(row, next.state(), next.fields());
    }
    return write(row, JobState.FAILED, f.failed(e.attempt(), e.workerId(), e.reason(), e.at()));
  }

  private Optional<Outcome> canceled(JobRow row, JobEvent.Canceled e) {
    if (row.state() == JobState.CANCELED) {
      return duplicate(row, e);
    }
    if (row.state().isTerminal()) {
      return ignored(row, e);
    }
    return write(row, JobState.CANCELED, row.fields().canceled(e.at()));
  }

  private Optional<Outcome> write(JobRow row, JobState to, JobFields fields) {
    if (!jobs.transition(row.id(), row.state(), row.version(), to, fields)) {
      return Optional.empty();
    }
    logTransition(row, to, fields);
    return applied();
  }

  /** One line per state change the scheduler wrote, in the job's request's log context. */
  private static void logTransition(JobRow row, JobState to, JobFields fields) {
    LOG.log(
        Level.INFO,
        "job {0}: {1} -> {2} (attempt {3})",
        row.id(),
        row.state(),
        to,
        fields.attempt());
  }

  private static Optional<Outcome> applied() {
    return Optional.of(Outcome.APPLIED);
  }

  private static Optional<Outcome> duplicate(JobRow row, JobEvent e) {
    LOG.log(
        Level.DEBUG,
        "duplicate event for job in {0} attempt {1}: {2}",
        row.state(),
        row.fields().attempt(),
        e);
    return Optional.of(Outcome.DUPLICATE);
  }

  private static Optional<Outcome> ignored(JobRow row, JobEvent e) {
    LOG.log(
        Level.DEBUG,
        "ignored event for job in {0} attempt {1}: {2}",
        row.state(),
        row.fields().attempt(),
        e);
    return Optional.of(Outcome.IGNORED);
  }
}
