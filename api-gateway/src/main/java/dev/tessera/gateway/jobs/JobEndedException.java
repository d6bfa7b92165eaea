package dev.tessera.gateway.jobs;

import dev.tessera.common.JobState;
import java.util.UUID;

/** A cancel request for a job that had already SUCCEEDED or FAILED (answered 409). */
public final class JobEndedException extends RuntimeException {
  private final UUID jobId;
  private final JobState state;

  public JobEndedException(UUID jobId, JobState state) {
    super(
        "job "
            + jobId
            + " already "
            + state
            + "; only a queued, dispatched or running job can be cancelled");
    this.jobId = jobId;
    this.state = state;
  }

  public UUID jobId() {
    return jobId;
  }

  public JobState state() {
    return state;
  }
}
