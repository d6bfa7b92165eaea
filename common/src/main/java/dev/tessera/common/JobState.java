package dev.tessera.common;

/**
 * Where a render job is in its life. The scheduler alone writes it; {@link JobStateMachine} lists
 * the moves between states. The wire and database form is the constant's name.
 */
public enum JobState {
  /** Stored and sent to the job queue; no worker is rendering it. */
  QUEUED,
  /** A worker has started it (the job's {@code attempt} says which delivery). */
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
