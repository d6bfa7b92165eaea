package dev.tessera.gateway.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A render worker as {@code GET /v1/workers} shows it, from the scheduler's registry of their
 * heartbeats.
 *
 * @param models the models it renders
 * @param currentJob the job it renders while BUSY or DRAINING (or rendered when last heard from, if
 *     LOST), else null
 * @param firstSeen its first heartbeat
 * @param lastSeen its latest heartbeat
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(name = "Worker")
public record WorkerView(
    String id,
    List<String> models,
    State state,
    @Schema(nullable = true, description = "The job it renders while BUSY or DRAINING, else null")
        UUID currentJob,
    Instant firstSeen,
    Instant lastSeen) {

  /** What a worker does now. */
  @Schema(name = "WorkerState")
  public enum State {
    /** Waiting for a job. */
    IDLE,
    /** Rendering {@code current_job}. */
    BUSY,
    /**
     * Told to stop (SIGTERM): takes no more jobs and finishes {@code current_job}, when it names
     * one, within its drain time; else hands it back.
     */
    DRAINING,
    /** Shut down, saying so; takes no more jobs. */
    STOPPED,
    /**
     * Not heard from within the lease, without having said it stopped: crashed or cut off. The
     * scheduler puts its job back in the queue.
     */
    LOST
  }
}
