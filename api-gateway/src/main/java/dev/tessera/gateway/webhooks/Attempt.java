package dev.tessera.gateway.webhooks;

import java.time.Instant;

/**
 * How one attempt at a delivery went.
 *
 * @param at when the attempt began
 * @param status the receiver's HTTP status; null when there was no answer
 * @param error why there was no answer (refused target, connection failed, timed out); else null
 * @param durationMillis how long the attempt took
 */
public record Attempt(Instant at, Integer status, String error, long durationMillis) {

  /** Whether the receiver took the delivery: any 2xx answer, as Standard Webhooks says. */
  public boolean delivered() {
    return status != null && status >= 200 && status < 300;
  }
}
