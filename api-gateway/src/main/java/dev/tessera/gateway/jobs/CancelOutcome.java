package dev.tessera.gateway.jobs;

import dev.tessera.common.JobState;
import java.util.UUID;

/**
 * What a cancel request did to one job, as {@link JobCancellation} reports it.
 *
 * @param state the job's state when the request was taken; null when the tenant has no such job
 */
public record CancelOutcome(UUID jobId, Kind kind, JobState state) {
  /** The kinds of answer; the API answers 202, 202, 409 and 404 in turn. */
  public enum Kind {
    /**
     * This request asked to cancel the job: it was queued, dispatched or running, and now it will
     * end.
     */
    REQUESTED,
    /** An earlier request asked already, or the job is CANCELED: nothing more to do. */
    ALREADY_REQUESTED,
    /** The job had already SUCCEEDED or FAILED: its result stands. */
    ENDED,
    /** The tenant has no job with this id (another tenant's job included). */
    NOT_FOUND
  }

  /** Whether the cancellation stands: requested now or earlier. */
  public boolean accepted() {
    return kind == Kind.REQUESTED || kind == Kind.ALREADY_REQUESTED;
  }
}
