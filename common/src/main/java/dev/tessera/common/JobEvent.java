package dev.tessera.common;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a worker reports about a job on {@link Topics#EVENTS} (Kafka key: the job id). The JSON form
 * carries a {@code "type"} property: {@code started}, {@code progress}, {@code succeeded}, {@code
 * failed} or {@code canceled}.
 *
 * <p>Events may arrive twice, late, or from an older dispatch of the same job; {@link #attempt()}
 * (the dispatch number the record carried, {@link RenderJob#attempt()}, from 1) tells dispatches
 * apart so the scheduler can ignore what is stale.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = JobEvent.Started.class, name = "started"),
  @JsonSubTypes.Type(value = JobEvent.Progress.class, name = "progress"),
  @JsonSubTypes.Type(value = JobEvent.Succeeded.class, name = "succeeded"),
  @JsonSubTypes.Type(value = JobEvent.Failed.class, name = "failed"),
  @JsonSubTypes.Type(value = JobEvent.Canceled.class, name = "canceled")
})
public sealed interface JobEvent {
  UUID jobId();

  /** The worker that sent the event (its pod or host name). */
  String workerId();

  /** Which dispatch of the job the worker is running, from 1. */
  int attempt();

  /** When the worker saw it happen (the worker's clock). */
  Instant at();

  /** A worker took the job and began rendering. */
  record Started(UUID jobId, String workerId, int attempt, Instant at) implements JobEvent {
    public Started {
      checkCommon(jobId, workerId, attempt, at);
    }
  }

  /** Denoising reached {@code step} of {@code total}. */
  record Progress(UUID jobId, String workerId, int attempt, int step, int total, Instant at)
      implements JobEvent {
    public Progress {
      checkCommon(jobId, workerId, attempt, at);
      if (total <= 0 || step < 0 || step > total) {
        throw new IllegalArgumentException(
            "progress " + step + " of " + total + " is not a step of a render");
      }
    }
  }

  /**
   * The image is rendered and stored under {@code objectKey}; {@code timings} lists the stages in
   * the order run.
   */
  record Succeeded(
      UUID jobId,
      String workerId,
      int attempt,
      String objectKey,
      List<StageTimings.Entry> timings,
      Instant at)
      implements JobEvent {
    public Succeeded {
      checkCommon(jobId, workerId, attempt, at);
      Objects.requireNonNull(objectKey, "object_key is required");
      timings = timings == null ? List.of() : List.copyOf(timings);
    }
  }

  /**
   * The render failed. {@code retryable}: another attempt may succeed (worker out of memory,
   * storage down), so the job goes back to the queue; otherwise (bad settings, unknown model) the
   * job fails for good.
   */
  record Failed(
      UUID jobId, String workerId, int attempt, String reason, boolean retryable, Instant at)
      implements JobEvent {
    public Failed {
      checkCommon(jobId, workerId, attempt, at);
      Objects.requireNonNull(reason, "reason is required");
    }
  }

  /**
   * The worker stopped the job, or acknowledged it without rendering, because its owner cancelled
   * it (a {@link ControlMessage.Cancel}); nothing was uploaded and the queue will not deliver it
   * again.
   */
  record Canceled(UUID jobId, String workerId, int attempt, Instant at) implements JobEvent {
    public Canceled {
      checkCommon(jobId, workerId, attempt, at);
    }
  }

  private static void checkCommon(UUID jobId, String workerId, int attempt, Instant at) {
    Objects.requireNonNull(jobId, "job_id is required");
    Objects.requireNonNull(workerId, "worker_id is required");
    Objects.requireNonNull(at, "at is required");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
    }
  }
}
