package dev.tessera.scheduler;

import java.time.Instant;

/**
 * The lifecycle columns of a job that a state transition rewrites, besides state and version. A
 * transition writes all of them, so a caller starts from the row it read and derives the next
 * fields with the method named for the transition, which says what is kept and what is cleared.
 *
 * @param attempt the dispatch the state refers to: the one in the queue or running, the last one
 *     requeued or failed, the one that succeeded (0 before the first dispatch)
 * @param workerId worker running or last running the job; null while queued
 * @param progressStep last reported denoising step of the current attempt; null before the first
 *     report
 * @param progressTotal steps of the current attempt; null before the first report
 * @param error reason of the last failure; kept while a retried job runs again, cleared on success
 * @param objectKey where the result image is stored; set on success
 * @param startedAt when the last start the scheduler saw happened (worker's clock); null while
 *     queued or when the start event was lost
 * @param finishedAt when the job reached a terminal state (worker's clock)
 */
public record JobFields(
    int attempt,
    String workerId,
    Integer progressStep,
    Integer progressTotal,
    String error,
    String objectKey,
    Instant startedAt,
    Instant finishedAt) {

  /**
   * Sent to its model's queue as dispatch {@code attempt}; an earlier failure's reason is kept, so
   * a client still sees why the last attempt ended.
   */
  public JobFields dispatched(int attempt) {
    return new JobFields(attempt, null, null, null, error, null, null, null);
  }

  /**
   * Started by {@code workerId} as delivery {@code attempt} at {@code at}; an earlier failure's
   * reason is kept.
   */
  public JobFields started(int attempt, String workerId, Instant at) {
    return new JobFields(attempt, workerId, null, null, error, null, at, null);
  }

  /** Running on {@code workerId} although its start event was lost: start time unknown. */
  public JobFields startLost(int attempt, String workerId) {
    return new JobFields(attempt, workerId, null, null, error, null, null, null);
  }

  /**
   * Back in the queue after attempt {@code attempt} ended with {@code reason}, for the scheduler to
   * dispatch again.
   */
  public JobFields requeued(int attempt, String reason) {
    return new JobFields(attempt, null, null, null, reason, null, null, null);
  }

  /**
   * Succeeded as attempt {@code attempt} on {@code workerId}, its image at {@code objectKey}; the
   * error clears.
   */
  public JobFields succeeded(int attempt, String workerId, String objectKey, Instant at) {
    return new JobFields(
        attempt, workerId, progressStep, progressTotal, null, objectKey, startedAt, at);
  }

  /**
   * Cancelled at {@code at} on its owner's request: what it had (attempt, worker, progress, start,
   * an earlier failure's reason) is kept, so the record shows how far it got.
   */
  public JobFields canceled(Instant at) {
    return new JobFields(
        attempt, workerId, progressStep, progressTotal, error, null, startedAt, at);
  }

  /** Failed for good as attempt {@code attempt} on {@code workerId}, with {@code reason}. */
  public JobFields failed(int attempt, String workerId, String reason, Instant at) {
    return new JobFields(
        attempt, workerId, progressStep, progressTotal, reason, null, startedAt, at);
  }
}
