package dev.tessera.common;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One job on its model's queue ({@link Topics#jobs}), as the scheduler dispatches it and a worker
 * renders it. Kafka key: the job id.
 *
 * @param jobId the job's id, also its row's primary key
 * @param model the model bundle to render with; also names the queue
 * @param settings what to render, already validated by the gateway
 * @param upscale how to reach {@code targetSize}: {@code x4} (the x4 upscaler model), {@code sr},
 *     {@code lanczos}, or {@code none}
 * @param targetSize edge of the delivered square image in pixels (2048 for the product)
 * @param submittedAt when the gateway accepted the job
 * @param attempt which dispatch of the job this record is, from 1 (the scheduler counts them); 0 in
 *     a job not dispatched yet. A worker reports it in every event about the job, so the scheduler
 *     can tell a stale dispatch's events from the current one's.
 */
public record RenderJob(
    UUID jobId,
    String model,
    RenderSettings settings,
    String upscale,
    int targetSize,
    Instant submittedAt,
    int attempt) {

  public RenderJob {
    Objects.requireNonNull(jobId, "job_id is required");
    Objects.requireNonNull(model, "model is required");
    Objects.requireNonNull(settings, "settings are required");
    Objects.requireNonNull(upscale, "upscale is required");
    Objects.requireNonNull(submittedAt, "submitted_at is required");
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must not be negative, got " + attempt);
    }
  }

  /** This job as dispatch number {@code attempt} carries it. */
  public RenderJob dispatched(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("a dispatch is numbered from 1, got " + attempt);
    }
    return new RenderJob(jobId, model, settings, upscale, targetSize, submittedAt, attempt);
  }
}
