package dev.tessera.gateway.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The tenant's webhook signing secret, as {@code GET /v1/webhooks/secret} shows it.
 *
 * @param secret {@code whsec_} and the base64 of the HMAC-SHA256 key
 */
@Schema(name = "WebhookSecret")
public record WebhookSecretView(
    @Schema(
            description =
                "whsec_ and the base64 of the key every delivery is signed with; the same on every"
                    + " call.",
            examples = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        String secret) {}
