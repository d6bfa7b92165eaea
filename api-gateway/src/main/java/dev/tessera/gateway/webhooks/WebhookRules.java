package dev.tessera.gateway.webhooks;

import dev.tessera.common.FieldProblem;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a request's {@code webhook_url} and {@code webhook_events} and fills in the default
 * events, naming each bad field as {@code POST /v1/jobs} names it; {@code SubmissionRules} asks it
 * for every job, so a batch's items and defaults are checked the same way. Thread-safe.
 */
public final class WebhookRules {
  public static final String URL_FIELD = "webhook_url";
  public static final String EVENTS_FIELD = "webhook_events";

  /** Longest URL, in characters. */
  public static final int MAX_URL_CHARS = 2048;

  private static final Set<String> SCHEMES = Set.of("http", "https");

  private final WebhookTargets targets;

  public WebhookRules(WebhookTargets targets) {
    this.targets = targets;
  }

  /**
   * The webhook a request asks for: none when it names no URL.
   *
   * @param problems receives every problem found; then the result is empty
   */
  public Optional<Webhook> toWebhook(String url, List<String> events, List<FieldProblem> problems) {
    if (url == null) {
      if (events != null) {
        problems.add(new FieldProblem(EVENTS_FIELD, "needs a webhook_url to be sent to"));
      }
      return Optional.empty();
    }
    int before = problems.size();
    List<WebhookEvent> wanted = events(events, problems);
    urlProblem(url).ifPresent(detail -> problems.add(new FieldProblem(URL_FIELD, detail)));
    return problems.size() == before ? Optional.of(new Webhook(url, wanted)) : Optional.empty();
  }

  private Optional<String> urlProblem(String url) {
    if (url.length() > MAX_URL_CHARS) {
      return Optional.of("must be at most " + MAX_URL_CHARS + " characters, got " + url.length());
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Optional.of("is not a URL: " + e.getMessage());
    }
    if (!uri.isAbsolute()
        || !SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))
        || uri.isOpaque()) {
      return Optional.of("must be an absolute http or https URL, got '" + url + "'");
    }
    if (uri.getHost() == null) {
      return Optional.of("must name a host, got '" + url + "'");
    }
    return targets.refusal(uri.getHost());
  }

  private static List<WebhookEvent> events(List<String> names, List<FieldProblem> problems) {
    if (names == null) {
      return WebhookEvent.DEFAULT;
    }
    if (names.isEmpty()) {
      problems.add(
          new FieldProblem(
              EVENTS_FIELD, "must name at least one event; leave it out for completed"));
    }
    Set<WebhookEvent> events = EnumSet.noneOf(WebhookEvent.class);
    for (int i = 0; i < names.size(); i++) {
      Optional<WebhookEvent> event = WebhookEvent.named(names.get(i));
      if (event.isPresent()) {
        events.add(event.get());
      } else {
        problems.add(
            new FieldProblem(
                EVENTS_FIELD + "[" + i + "]",
                "unknown event '" + names.get(i) + "', expected started, progress or completed"));
      }
    }
    return List.copyOf(events);
  }
}
