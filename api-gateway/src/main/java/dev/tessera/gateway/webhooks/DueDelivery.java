package dev.tessera.gateway.webhooks;

import java.util.UUID;

/**
 * A delivery claimed for an attempt: everything the attempt sends.
 *
 * @param id the {@code webhook-id}
 * @param url where to POST
 * @param body the exact bytes to send, the same on every attempt
 * @param key the tenant's signing key
 * @param failures attempts recorded before this one
 */
public record DueDelivery(UUID id, String url, byte[] body, byte[] key, int failures) {}
