package dev.tessera.gateway.webhooks;

import java.util.Arrays;
import java.util.List;

/**
 * Where a job's events are posted, and which.
 *
 * @param url an absolute http or https URL, checked by {@link WebhookRules}
 * @param events at least one, each once, in {@link WebhookEvent} order
 */
public record Webhook(String url, List<WebhookEvent> events) {
  public Webhook {
    events = List.copyOf(events);
  }

  /**
   * The webhook of a stored job: {@code jobs.webhook_url} and {@code webhook_events}; null when the
   * job has none.
   */
  public static Webhook stored(String url, String[] eventNames) {
    if (url == null) {
      return null;
    }
    return new Webhook(
        url,
        Arrays.stream(eventNames)
            .map(
                name ->
                    WebhookEvent.named(name)
                        .orElseThrow(() -> new IllegalStateException("unknown event " + name)))
            .toList());
  }

  /** The events by their wire names, as {@code jobs.webhook_events} holds them. */
  public List<String> eventNames() {
    return events.stream().map(WebhookEvent::wireName).toList();
  }
}
