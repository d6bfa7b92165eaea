package dev.tessera.gateway.watch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tessera.common.JobState;
import dev.tessera.gateway.api.JobView;
import java.util.UUID;

/**
 * The data of an event stream's job events ({@code state}, {@code progress}, {@code succeeded},
 * {@code failed}, {@code cancelled}), as JSON; what does not apply to an event is left out.
 *
 * @param customId the job's name in its batch, on a batch's stream
 * @param resultUrl a presigned GET of the PNG, on {@code succeeded}
 * @param error why, on {@code failed} (and on {@code cancelled} when the row says)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobUpdate(
    UUID jobId,
    String customId,
    JobState state,
    Integer attempts,
    JobView.Progress progress,
    String resultUrl,
    String error) {

  /** The job's state, attempts and progress (null unless running). */
  static JobUpdate state(JobSnapshot job, String customId) {
    return new JobUpdate(job.id(), customId, job.state(), job.attempt(), progress(job), null, null);
  }

  static JobUpdate progress(UUID jobId, String customId, int step, int total) {
    return new JobUpdate(
        jobId, customId, null, null, new JobView.Progress(step, total), null, null);
  }

  /** The end of the job: its state, and its result URL or error. */
  static JobUpdate end(JobSnapshot job, String customId, String resultUrl) {
    return new JobUpdate(
        job.id(), customId, job.state(), job.attempt(), null, resultUrl, job.error());
  }

  private static JobView.Progress progress(JobSnapshot job) {
    return job.total() > 0 ? new JobView.Progress(job.step(), job.total()) : null;
  }
}
