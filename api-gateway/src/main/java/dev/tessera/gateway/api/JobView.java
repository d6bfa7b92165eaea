package dev.tessera.gateway.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tessera.common.JobState;
import dev.tessera.common.RenderJob;
import dev.tessera.common.StageTimings;
import dev.tessera.gateway.jobs.QueuedJob;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A job as {@code GET /v1/jobs/{id}} (and the answer to its submission) shows it.
 *
 * @param batchId the batch the job was submitted in, else null
 * @param customId the client's name for the job in its batch, else null
 * @param priority as asked (0 to 100, default 50); higher goes first
 * @param attempts how many times the scheduler has dispatched the job; 0 while it waits for its
 *     first
 * @param cancelRequestedAt when the owner asked to cancel the job; the state shows CANCELED once
 *     the scheduler or the job's worker acted on it
 * @param progress denoising progress while running, else null
 * @param timings the stages the worker ran, in order; empty until it reports them
 * @param error why the job failed (or why its last attempt failed), else null
 * @param resultUrl a presigned GET URL of the PNG once the job succeeded, else null (also once its
 *     result was deleted)
 * @param resultDeletedAt when the job's result was deleted, its retention over, else null
 * @param request what the job renders, defaults filled in
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(name = "Job")
public record JobView(
    UUID id,
    @Schema(nullable = true) UUID batchId,
    @Schema(nullable = true) String customId,
    @Schema(
            description =
                "QUEUED: waiting in the farm's queue; DISPATCHED: sent to its model's workers, not"
                    + " started yet; RUNNING; then SUCCEEDED, FAILED or CANCELED")
        JobState state,
    @Schema(description = "0 to 100, higher goes first", minimum = "0", maximum = "100")
        int priority,
    int attempts,
    Instant createdAt,
    @Schema(nullable = true) Instant startedAt,
    @Schema(nullable = true) Instant finishedAt,
    @Schema(nullable = true, description = "When the owner asked to cancel the job, else null")
        Instant cancelRequestedAt,
    @Schema(nullable = true) Progress progress,
    List<StageTimings.Entry> timings,
    @Schema(nullable = true) String error,
    @Schema(
            nullable = true,
            description =
                "Presigned GET URL of the PNG, once the job succeeded; expires. Null once the"
                    + " result was deleted")
        String resultUrl,
    @Schema(
            nullable = true,
            description =
                "When the job's result (its PNG and the images derived from it) was deleted, the"
                    + " farm's result retention over; else null")
        Instant resultDeletedAt,
    @Schema(
            nullable = true,
            description = "What was asked for; null only when the stored request cannot be read")
        JobRequest request) {

  /** Denoising reached {@code step} of {@code total}. */
  @Schema(name = "Progress")
  public record Progress(int step, int total) {}

  /** A job just stored alone: queued, nothing run yet. */
  public static JobView queued(QueuedJob queued) {
    RenderJob job = queued.render();
    return new JobView(
        job.jobId(),
        null,
        null,
        JobState.QUEUED,
        queued.priority(),
        0,
        job.submittedAt(),
        null,
        null,
        null,
        null,
        List.of(),
        null,
        null,
        null,
        JobRequest.of(
            job.model(), job.settings(), job.upscale(), queued.priority(), queued.webhook()));
  }

  /** This view with {@code timings} instead of its own. */
  public JobView withTimings(List<StageTimings.Entry> timings) {
    return new JobView(
        id,
        batchId,
        customId,
        state,
        priority,
        attempts,
        createdAt,
        startedAt,
        finishedAt,
        cancelRequestedAt,
        progress,
        timings,
        error,
        resultUrl,
        resultDeletedAt,
        request);
  }
}
