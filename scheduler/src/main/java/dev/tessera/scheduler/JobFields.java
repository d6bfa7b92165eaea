package dev.tessera.scheduler;

import java.time.Instant;

/**
 * The lifecycle columns of a job that a state transition rewrites, besides state and version. A transition writes
 * all of them, so a caller starts from the row it read and changes what the event says.
 *
 * @param attempt the delivery the state refers to: the running one, the last one requeued or failed, the one that
 *     succeeded (0 before the first start)
 * @param workerId worker running or last running the job; null while queued
 * @param progressStep last reported denoising step of the current attempt; null before the first report
 * @param progressTotal steps of the current attempt; null before the first report
 * @param error reason of the last failure; kept while a retried job runs again, cleared on success
 * @param objectKey where the result image is stored; set on success
 * @param startedAt when the last start the scheduler saw happened (worker's clock); null while queued or when the
 *     start event was lost
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
    Instant finishedAt) {}
