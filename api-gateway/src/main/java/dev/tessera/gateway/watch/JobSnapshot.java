package dev.tessera.gateway.watch;

import dev.tessera.common.JobState;
import java.util.UUID;

/**
 * What an event stream tells of a job, as its row stands: enough to see what moved since the last
 * look.
 *
 * @param customId the job's name in its batch, or null
 * @param version the scheduler's version of the row: it grows with every move of the state
 * @param attempt the dispatch the worker runs; progress of another is stale
 * @param step progress while running, else 0
 * @param total the progress's total while running, else 0
 * @param objectKey where the result is, or null when the row names none
 * @param resultDeleted whether the result was deleted, its retention over
 */
record JobSnapshot(
    UUID id,
    String customId,
    JobState state,
    long version,
    int attempt,
    int step,
    int total,
    String error,
    String objectKey,
    boolean resultDeleted) {}
