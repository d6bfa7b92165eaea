package dev.tessera.gateway.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A webhook delivery as {@code GET /v1/webhooks/deliveries} shows it: one event of one job, and
 * every attempt to deliver it.
 *
 * @param id the {@code webhook-id} its attempts carried
 * @param type {@code job.started}, {@code job.progress} or {@code job.completed}
 * @param nextAttemptAt when it is tried next, while pending
 * @param attempts oldest first
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(name = "WebhookDelivery")
public record DeliveryView(
    UUID id,
    UUID jobId,
    @Schema(enumeration = {"job.started", "job.progress", "job.completed"}) String type,
    String url,
    @Schema(
            description =
                "pending (not yet answered with a 2xx), delivered, or given_up (no 2xx within the"
                    + " retry period, 24 h by default)",
            enumeration = {"pending", "delivered", "given_up"})
        String state,
    Instant createdAt,
    @Schema(nullable = true) Instant nextAttemptAt,
    @Schema(nullable = true) Instant deliveredAt,
    @Schema(nullable = true) Instant givenUpAt,
    List<Attempt> attempts) {

  /**
   * One POST of the delivery.
   *
   * @param status the receiver's HTTP status; null when there was no answer
   * @param error why there was no answer; null when there was one
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @Schema(name = "WebhookAttempt")
  public record Attempt(
      Instant at,
      @Schema(nullable = true) Integer status,
      @Schema(nullable = true) String error,
      long durationMs) {}
}
