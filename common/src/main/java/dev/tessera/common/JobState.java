package dev.tessera.common;

/**
 * Where a render job is in its life. The scheduler alone writes it; {@link JobStateMachine} lists
 * the moves between states. The wire and database form is the constant's name.
 */
public enum JobState {
  /**
   * Waiting in PostgreSQL for the scheduler to dispatch it (never dispatched, or put back after a
   * failure or a lost worker); {@code attempt} counts the dispatches so far.
   */
  QUEUED,
  /**
   * Sent to its model's Kafka queue by the scheduler (dispatch number {@code attempt}); no worker
   * has started it yet.
   */
  DISPATCHED,
  /** A worker has started it (the job's {@code attempt} says which dispatch). */
  RUNNING,
  /** Rendered and uploaded; terminal. */
  SUCCEEDED,
  /** Given up on: a failure that retrying cannot fix; terminal. */
  FAILED,
  /** Stopped on request; terminal. */
  CANCELED;

  /** Whether no event can move the job out of this state. */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELED;
  }
}
