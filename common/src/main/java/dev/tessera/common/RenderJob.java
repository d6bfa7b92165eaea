package dev.tessera.common;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One job on its model's queue ({@link Topics#jobs}), as the gateway's outbox relay sends it and a
 * worker renders it. Kafka key: the job id.
 *
 * @param jobId the job's id, also its row's primary key
 * @param model the model bundle to render with; also names the queue
 * @param settings what to render, already validated by the gateway
 * @param upscale how to reach {@code targetSize}: {@code x4} (the x4 upscaler model), {@code sr},
 *     {@code lanczos}, or {@code none}
 * @param targetSize edge of the delivered square image in pixels (2048 for the product)
 * @param submittedAt when the gateway accepted the job
 */
public record RenderJob(
    UUID jobId,
    String model,
    RenderSettings settings,
    String upscale,
    int targetSize,
    Instant submittedAt) {

  public RenderJob {
    Objects.requireNonNull(jobId, "job_id is required");
    Objects.requireNonNull(model, "model is required");
    Objects.requireNonNull(settings, "settings are required");
    Objects.requireNonNull(upscale, "upscale is required");
    Objects.requireNonNull(submittedAt, "submitted_at is required");
  }
}
