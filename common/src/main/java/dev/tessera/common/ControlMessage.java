package dev.tessera.common;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A request about a job on {@link Topics#CONTROL} (Kafka key: the job id), written by the gateway
 * through its outbox and read by the scheduler and by every worker. The JSON form carries a {@code
 * "type"} property ({@code cancel}), so that kinds added later are not mistaken for a cancel by an
 * older reader.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = ControlMessage.Cancel.class, name = "cancel")})
public sealed interface ControlMessage {
  UUID jobId();

  /**
   * The job's owner asked to cancel it at {@code requestedAt} (the gateway's clock). A queued job
   * is never to be rendered; a running one is to stop and upload nothing.
   */
  record Cancel(UUID jobId, Instant requestedAt) implements ControlMessage {
    public Cancel {
      Objects.requireNonNull(jobId, "job_id is required");
      Objects.requireNonNull(requestedAt, "requested_at is required");
    }
  }
}
