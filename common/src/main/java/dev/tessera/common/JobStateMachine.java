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
 * QUEUED  -> RUNNING, FAILED, CANCELED
 * RUNNING -> SUCCEEDED, FAILED, CANCELED,
 *            QUEUED   (its worker was lost: back to the queue),
 *            RUNNING  (redelivered and started again with a higher attempt)
 * SUCCEEDED, FAILED, CANCELED -> nothing
 * </pre>
 */
public final class JobStateMachine {
  private static final Map<JobState, Set<JobState>> NEXT = new EnumMap<>(JobState.class);

  static {
    allow(JobState.QUEUED, JobState.RUNNING, JobState.FAILED, JobState.CANCELED);
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
