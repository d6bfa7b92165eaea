package dev.tessera.gateway.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One page of {@code GET /v1/webhooks/deliveries}, newest first.
 *
 * @param nextCursor pass as {@code cursor} for the next page; null on the last page
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(name = "WebhookDeliveryPage")
public record DeliveryPage(List<DeliveryView> data, @Schema(nullable = true) String nextCursor) {}
