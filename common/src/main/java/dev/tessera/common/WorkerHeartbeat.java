package dev.tessera.common;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A worker's announcement of itself on {@link Topics#WORKERS} (Kafka key: the worker id): sent when
 * it starts, every heartbeat interval while it runs, whenever it takes or finishes a job, and once
 * more, {@link Activity#STOPPED}, when it shuts down; while it drains (told to stop, it finishes
 * the job under way first) it says {@link Activity#DRAINING}. The scheduler keeps the latest of
 * each worker in its registry, counts each model's capacity from the live ones that take jobs, and
 * takes a running job back from a worker whose heartbeats stopped (its lease expired).
 *
 * @param workerId the worker's name (pod or host name), also the id its job events carry
 * @param models the models it renders, i.e. the queues it consumes
 * @param activity what it is doing
 * @param jobId the job it is rendering while {@link Activity#BUSY}, or while {@link
 *     Activity#DRAINING} if one is still under way; null otherwise
 * @param at when it sent this (the worker's clock)
 * @param jobIds every job it is rendering, {@code jobId} first: more than one where it renders a
 *     batch of jobs together; empty when {@code jobId} is null. Absent on the wire (workers before
 *     batching), it is {@code jobId} alone.
 */
public record WorkerHeartbeat(
    String workerId,
    List<String> models,
    Activity activity,
    UUID jobId,
    Instant at,
    List<UUID> jobIds) {

  /** A heartbeat naming at most one job. */
  public WorkerHeartbeat(
      String workerId, List<String> models, Activity activity, UUID jobId, Instant at) {
    this(workerId, models, activity, jobId, at, null);
  }

  /** What a worker reports it is doing. The wire and database form is the constant's name. */
  public enum Activity {
    /** Waiting for a job. */
    IDLE,
    /** Rendering {@link WorkerHeartbeat#jobId()}. */
    BUSY,
    /**
     * Stopping: takes no more jobs, and finishes {@link WorkerHeartbeat#jobId()} when it names one
     * (its lease holds meanwhile).
     */
    DRAINING,
    /** Shut down; takes no more jobs. */
    STOPPED
  }

  public WorkerHeartbeat {
    Objects.requireNonNull(workerId, "worker_id is required");
    Objects.requireNonNull(activity, "activity is required");
    Objects.requireNonNull(at, "at is required");
    models = models == null ? List.of() : List.copyOf(models);
    if (jobIds == null || jobIds.isEmpty()) {
      jobIds = jobId == null ? List.of() : List.of(jobId);
    } else {
      jobIds = List.copyOf(jobIds);
      if (!jobIds.get(0).equals(jobId)) {
        throw new IllegalArgumentException("job_ids must start with job_id " + jobId);
      }
    }
    if (activity == Activity.BUSY && jobId == null) {
      throw new IllegalArgumentException("a busy worker names its job_id");
    }
    if (activity != Activity.BUSY && activity != Activity.DRAINING && jobId != null) {
      throw new IllegalArgumentException(
          "only a busy or draining worker names a job_id, got " + activity);
    }
  }
}
