package dev.tessera.gateway.webhooks;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The job events a webhook may ask for, by the names clients use in {@code webhook_events}; each
 * delivery's {@code type} is the name with {@code job.} in front ({@code job.completed}).
 */
public enum WebhookEvent {
  /** The job started running (again on each attempt). */
  STARTED("started"),
  /** A running job reported a new step. */
  PROGRESS("progress"),
  /** The job ended: SUCCEEDED, FAILED or CANCELED. */
  COMPLETED("completed");

  /** What a webhook gets when it names no events. */
  public static final List<WebhookEvent> DEFAULT = List.of(COMPLETED);

  private final String wireName;

  WebhookEvent(String wireName) {
    this.wireName = wireName;
  }

  /** The name in {@code webhook_events}, and in the jobs table's column. */
  public String wireName() {
    return wireName;
  }

  /** The event named {@code name} in {@code webhook_events}. */
  public static Optional<WebhookEvent> named(String name) {
    return Arrays.stream(values()).filter(e -> e.wireName.equals(name)).findFirst();
  }
}
