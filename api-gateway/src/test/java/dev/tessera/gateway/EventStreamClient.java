package dev.tessera.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server-sent events client for tests: reads a stream on a thread of its own into a queue of
 * events, so a test can wait for the next one with a timeout, and learn when the server ended the
 * stream. Comments (keepalives) are skipped.
 */
public final class EventStreamClient implements AutoCloseable {
  /** One event as sent: its {@code id:}, {@code event:} and {@code data:} fields. */
  public record Event(String id, String name, String data) {}

  private static final Event END = new Event(null, null, null);

  private final HttpResponse<Stream<String>> response;
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Thread reader;

  private EventStreamClient(HttpResponse<Stream<String>> response) {
    this.response = response;
    this.reader = new Thread(this::read, "sse-test-client");
    reader.setDaemon(true);
    reader.start();
  }

  /** Connects to {@code url} with {@code key} and, unless null, {@code lastEventId}. */
  public static EventStreamClient connect(String url, String key, String lastEventId)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Authorization", "Bearer " + key)
            .header("Accept", "text/event-stream")
            .timeout(Duration.ofSeconds(60));
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return new EventStreamClient(
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(request.build(), HttpResponse.BodyHandlers.ofLines()));
  }

  public int status() {
    return response.statusCode();
  }

  public Optional<String> header(String name) {
    return response.headers().firstValue(name);
  }

  /** The next event; fails unless it comes {@code within}, or when the stream ended before it. */
  public Event next(Duration within) throws InterruptedException {
    Event event = events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    if (event == null) {
      throw new AssertionError("no event within " + within);
    }
    if (event == END) {
      events.add(END);
      throw new AssertionError("the stream ended; no more events");
    }
    return event;
  }

  /** Fails unless the server ends the stream {@code within}, with no event before the end. */
  public void assertEnds(Duration within) throws InterruptedException {
    Event event = events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    if (event != END) {
      throw new AssertionError(
          event == null ? "the stream did not end within " + within : "another event: " + event);
    }
    events.add(END);
  }

  /** Fails if an event comes {@code within}; the stream may go on. */
  public void assertQuiet(Duration within) throws InterruptedException {
    Event event = events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    if (event != null) {
      throw new AssertionError("expected no event, got " + (event == END ? "the end" : event));
    }
  }

  private void read() {
    Map<String, List<String>> fields = new HashMap<>();
    try {
      Iterator<String> lines = response.body().iterator();
      while (lines.hasNext()) {
        String line = lines.next();
        if (line.isEmpty()) {
          if (fields.containsKey("event") || fields.containsKey("data")) {
            events.add(
                new Event(
                    first(fields, "id"),
                    first(fields, "event"),
                    String.join("\n", fields.getOrDefault("data", List.of()))));
          }
          fields.clear();
        } else if (!line.startsWith(":")) {
          int colon = line.indexOf(':');
          String name = colon < 0 ? line : line.substring(0, colon);
          String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
          fields.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
      }
    } catch (RuntimeException e) {
      // The connection closed under the reader: the stream ended either way.
    }
    events.add(END);
  }

  private static String first(Map<String, List<String>> fields, String name) {
    List<String> values = fields.get(name);
    return values == null ? null : values.get(0);
  }

  @Override
  public void close() {
    response.body().close();
    reader.interrupt();
  }
}
