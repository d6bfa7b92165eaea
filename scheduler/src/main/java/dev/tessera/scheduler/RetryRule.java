package dev.tessera.scheduler;

import dev.tessera.common.JobState;
import java.time.Instant;

/**
 * Whether a job whose attempt ended without a result goes back to the queue or fails for good: it
 * goes back until its attempt number reaches {@code maxAttempts}. One rule for every way an attempt
 * can end so (a retryable failure, a lost worker, a dispatch nobody started), so that they all
 * count against the same limit. Pure.
 */
public record RetryRule(int maxAttempts) {
  /** The state and fields a job moves to. */
  public record Decision(JobState state, JobFields fields) {}

  public RetryRule {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max attempts must be at least 1, got " + maxAttempts);
    }
  }

  /**
   * Attempt {@code attempt} of a job with {@code fields} ended for {@code reason} at {@code at};
   * {@code workerId} is the worker it ran on, if any.
   */
  public Decision afterLostAttempt(
      JobFields fields, int attempt, String workerId, String reason, Instant at) {
    if (attempt >= maxAttempts) {
      String why = "gave up after " + attempt + " of " + maxAttempts + " attempts: " + reason;
      return new Decision(JobState.FAILED, fields.failed(attempt, workerId, why, at));
    }
    return new Decision(JobState.QUEUED, fields.requeued(attempt, reason));
  }
}
