package dev.tessera.common;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Every allowed move between {@link JobState}s, as one explicit table. A move that is not listed is
 * a bug in the caller, not an event to apply: the scheduler checks here before it writes a state.
 *
 * <pre>
 * QUEUED     -> DISPATCHED (the scheduler sent it to its model's queue),
 *               RUNNING    (a dispatch that had timed out was started after all),
 *               FAILED, CANCELED
 * DISPATCHED -> RUNNING, CANCELED,
 *               QUEUED     (not started in time, or no live worker for its model: back to the queue),
 *               FAILED     (its attempts are used up, or a worker refused it before starting)
 * RUNNING    -> SUCCEEDED, FAILED, CANCELED,
 *               QUEUED     (its worker was lost, or a retryable failure: back to the queue),
 *               RUNNING    (a newer dispatch started)
 * SUCCEEDED, FAILED, CANCELED -> nothing
 * </pre>
 */
public final class JobStateMachine {
  private static final Map<JobState, Set<JobState>> NEXT = new EnumMap<>(JobState.class);

  static {
    allow(
        JobState.QUEUED, JobState.DISPATCHED, JobState.RUNNING, JobState.FAILED, JobState.CANCELED);
    allow(
        JobState.DISPATCHED, JobState.RUNNING, JobState.CANCELED, JobState.QUEUED, JobState.FAILED);
    allow(
        JobState.RUNNING,
        JobState.SUCCEEDED,
        JobState.FAILED,
        JobState.CANCELED,
        JobState.QUEUED,
        JobState.RUNNING);
    allow(JobState.SUCCEEDED);
    allow(JobState.FAILED);
    allow(JobState.CANCELED);
  }

  private JobStateMachine() {}

  private static void allow(JobState from, JobState... to) {
    EnumSet<JobState> targets = EnumSet.noneOf(JobState.class);
    Collections.addAll(targets, to);
    NEXT.put(from, Collections.unmodifiableSet(targets));
  }

  /** Whether a job in state {@code from} may move to {@code to}. */
  public static boolean allows(JobState from, JobState to) {
    return NEXT.get(from).contains(to);
  }

  /**
   * The states a job in state {@code from} may move to; empty for terminal states. Unmodifiable.
   */
  public static Set<JobState> next(JobState from) {
    return NEXT.get(from);
  }
}
