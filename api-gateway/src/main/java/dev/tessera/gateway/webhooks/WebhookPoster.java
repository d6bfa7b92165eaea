package dev.tessera.gateway.webhooks;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes one attempt at a delivery: checks the target again (its name may resolve elsewhere now),
 * then POSTs the body with the Standard Webhooks headers, signed for this attempt's timestamp. No
 * redirect is followed (a 3xx is a failed attempt): a redirect could lead to an address the check
 * refused. Every attempt ends within {@link #MAX_ATTEMPT}, answered or not. Thread-safe.
 */
final class WebhookPoster {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** From the request sent to the answer's headers. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Longest an attempt takes, the target's lookup and the answer's body included. */
  static final Duration MAX_ATTEMPT = Duration.ofSeconds(20);

  private static final int MAX_ERROR_CHARS = 500;
  private static final String USER_AGENT = "Tessera-Webhooks/1";

  private final HttpClient client;
  private final WebhookTargets targets;
  private final Executor lookups;
  private final Clock clock;

  /**
   * @param lookups runs the targets' checks, which may block on DNS
   */
  WebhookPoster(WebhookTargets targets, Executor lookups, Clock clock) {
    this.client =
        HttpClient.newBuilder()
            // HTTP/1.1 as webhook receivers expect: no h2c upgrade attempted on a POST.
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.targets = targets;
    this.lookups = lookups;
    this.clock = clock;
  }

  /** The attempt at {@code delivery}; never completes exceptionally. */
  CompletableFuture<Attempt> post(DueDelivery delivery) {
    Instant at = clock.instant();
    long start = System.nanoTime();
    return CompletableFuture.supplyAsync(() -> checkedTarget(delivery.url()), lookups)
        .thenCompose(
            uri ->
                client.sendAsync(
                    request(delivery, uri, at), HttpResponse.BodyHandlers.discarding()))
        .orTimeout(MAX_ATTEMPT.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (response, failure) ->
                new Attempt(
                    at,
                    response == null ? null : response.statusCode(),
                    failure == null ? null : describe(failure),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
  }

  private URI checkedTarget(String url) {
    URI uri = URI.create(url);
    targets
        .refusal(uri.getHost())
        .ifPresent(
            refusal -> {
              throw new RefusedTargetException(refusal);
            });
    return uri;
  }

  private static HttpRequest request(DueDelivery delivery, URI uri, Instant at) {
    String id = delivery.id().toString();
    long timestamp = at.getEpochSecond();
    return HttpRequest.newBuilder(uri)
        .timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json")
        .header("User-Agent", USER_AGENT)
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(timestamp))
        .header(
            "webhook-signature",
            WebhookSignature.sign(delivery.key(), id, timestamp, delivery.body()))
        .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()))
        .build();
  }

  private static String describe(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    String text;
    if (cause instanceof RefusedTargetException) {
      text = "refused: " + cause.getMessage();
    } else if (cause instanceof HttpConnectTimeoutException) {
      text = "could not connect within " + CONNECT_TIMEOUT.toSeconds() + " s";
    } else if (cause instanceof HttpTimeoutException) {
      text = "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
    } else if (cause instanceof TimeoutException) {
      text = "the attempt took longer than " + MAX_ATTEMPT.toSeconds() + " s";
    } else if (cause instanceof ConnectException) {
      text = "could not connect" + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    } else if (cause instanceof IOException || cause instanceof IllegalArgumentException) {
      text = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    } else {
      text = cause.toString();
    }
    return text.length() > MAX_ERROR_CHARS ? text.substring(0, MAX_ERROR_CHARS) : text;
  }

  /** The target resolves to an address webhooks may not reach. */
  private static final class RefusedTargetException extends RuntimeException {
    RefusedTargetException(String message) {
      super(message);
    }
  }
}
