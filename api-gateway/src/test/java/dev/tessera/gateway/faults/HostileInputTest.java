package dev.tessera.gateway.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.faults.HostileRequests.ErrorFormat;
import dev.tessera.gateway.faults.HostileRequests.Request;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile input: thousands of generated requests to every endpoint (random and mutated JSON, wrong
 * types, huge numbers, deep nesting, invalid UTF-8, NUL and control characters, chunked bodies, bad
 * headers, bad ids, path tricks) each get a prompt 2xx or 4xx, errors in the endpoint's error
 * format without a trace of the gateway's insides, and the gateway stays healthy. {@code
 * -Dtessera.fuzz.seed=N} repeats a run (each run prints its seed), {@code
 * -Dtessera.fuzz.requests=N} sizes it.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class HostileInputTest {
  private static final int REQUESTS = Integer.getInteger("tessera.fuzz.requests", 11_000);
  private static final int PARALLEL = 8;

  /** An answer slower than this is a hung request (no generated request waits on purpose). */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);

  private static final ObjectMapper JSON = new ObjectMapper();

  @TestHTTPResource("/")
  URL base;

  @Inject TenantStore tenants;

  private HttpClient http;
  private String key;

  @BeforeEach
  void client() throws Exception {
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    if (key == null) {
      // A tenant of its own, whose rate the fuzz does not exhaust (429s would hide the endpoints).
      key =
          tenants
              .create(
                  "fuzz-" + UUID.randomUUID().toString().substring(0, 8),
                  1,
                  1_000_000,
                  1_000_000,
                  true)
              .key();
    }
  }

  @Test
  void everyHostileRequestGetsAPromptAnswerWithoutServerErrorsAndTheGatewayStaysHealthy()
      throws Exception {
    long seed = Long.getLong("tessera.fuzz.seed", System.nanoTime());
    System.out.println("hostile input: seed " + seed + " (-Dtessera.fuzz.seed=" + seed + ")");
    HostileRequests.Ids ids =
        new HostileRequests.Ids(
            created("/v1/jobs", "{\"prompt\":\"fuzz target\"}", key),
            created(
                "/v1/batches",
                "{\"items\":[{\"custom_id\":\"t\",\"prompt\":\"fuzz target\"}]}",
                key),
            created("/v1/jobs", "{\"prompt\":\"not yours\"}", GatewayServices.otherKey));
    HostileRequests generator = new HostileRequests(seed, ids, key);
    List<Request> requests = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      requests.add(generator.next(i));
    }

    Map<String, AtomicInteger> byEndpoint = new ConcurrentHashMap<>();
    Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
    AtomicInteger unsendable = new AtomicInteger();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (Request request : requests) {
        sent.add(
            pool.submit(
                () -> {
                  HttpRequest built;
                  try {
                    built = build(request);
                  } catch (IllegalArgumentException e) {
                    // A URI or header Java's client refuses to send at all; nothing reached the
                    // gateway.
                    unsendable.incrementAndGet();
                    return;
                  }
                  byEndpoint
                      .computeIfAbsent(request.endpoint(), e -> new AtomicInteger())
                      .incrementAndGet();
                  long t0 = System.nanoTime();
                  try {
                    HttpResponse<byte[]> answer = send(built);
                    byStatus
                        .computeIfAbsent(answer.statusCode(), s -> new AtomicInteger())
                        .incrementAndGet();
                    String problem = problemIn(request, answer);
                    if (problem != null) {
                      wrong.add(problem + " <- " + request.describe());
                    }
                  } catch (IOException e) {
                    wrong.add(
                        "no answer after "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
                            + " ms ("
                            + e
                            + ") <- "
                            + request.describe());
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
      }
      for (Future<?> f : sent) {
        f.get(ANSWER_WITHIN.toSeconds() * 2, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf(
        "hostile input: %d requests in %.1f s (%d not sendable by Java's client)%n  by endpoint: %s%n  by status: %s%n",
        REQUESTS,
        took.toMillis() / 1000.0,
        unsendable.get(),
        new TreeMap<>(byEndpoint),
        new TreeMap<>(byStatus));
    assertTrue(
        unsendable.get() <= REQUESTS / 10,
        "most requests reached the gateway: " + unsendable.get() + " of " + REQUESTS + " did not");
    wrong.stream().limit(200).forEach(w -> System.out.println("  bad answer: " + w));
    assertTrue(
        wrong.isEmpty(),
        wrong.size()
            + " bad answers, the first: "
            + String.join("\n", wrong.stream().limit(15).toList()));
    for (String endpoint : HostileRequests.ENDPOINTS) {
      assertTrue(
          byEndpoint.getOrDefault(endpoint, new AtomicInteger()).get()
              >= REQUESTS / (HostileRequests.ENDPOINTS.size() * 2),
          "every endpoint got its share: " + byEndpoint);
    }
    assertHealthy();
  }

  /** A body over 1 MiB answers 413 problem+json, whether it says its length or comes chunked. */
  @Test
  void aBodyOverTheLimitAnswers413ProblemWithItsLengthOrChunked() throws Exception {
    byte[] big = HostileRequests.oversized(HostileRequests.MIB + 1);
    for (boolean chunked : new boolean[] {false, true}) {
      for (String path : List.of("/v1/jobs", "/v1/images/generations", "/sdapi/v1/txt2img")) {
        HttpResponse<byte[]> answer =
            send(
                build(
                    new Request(
                        "oversized",
                        "POST",
                        path,
                        Map.of(
                            "Authorization", "Bearer " + key, "Content-Type", "application/json"),
                        big,
                        chunked,
                        ErrorFormat.PROBLEM)));
        assertEquals(413, answer.statusCode(), path + (chunked ? " chunked" : ""));
        if (path.equals("/v1/jobs")) {
          assertEquals(
              "application/problem+json",
              answer.headers().firstValue("Content-Type").orElse("").split(";")[0],
              path + (chunked ? " chunked" : ""));
          assertEquals(413, JSON.readTree(answer.body()).path("status").asInt());
        }
      }
    }
    assertHealthy();
  }

  /** NUL cannot be stored or rendered: refused at submission, naming the field. */
  @Test
  void aPromptWithNulIsRefusedAtSubmit() throws Exception {
    for (String body :
        List.of(
            "{\"prompt\":\"a\\u0000b\"}",
            "{\"prompt\":\"a\",\"negative_prompt\":\"\\u0000\"}",
            "{\"items\":[{\"custom_id\":\"x\\u0000\",\"prompt\":\"a\"}]}",
            "{\"items\":[{\"custom_id\":\"x\",\"prompt\":\"a\\u0000\"}]}")) {
      String path = body.startsWith("{\"items\"") ? "/v1/batches" : "/v1/jobs";
      HttpResponse<byte[]> answer =
          http.send(
              build(
                  new Request(
                      "nul",
                      "POST",
                      path,
                      Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json"),
                      body.getBytes(StandardCharsets.UTF_8),
                      false,
                      ErrorFormat.PROBLEM)),
              HttpResponse.BodyHandlers.ofByteArray());
      String text = new String(answer.body(), StandardCharsets.UTF_8);
      assertEquals(422, answer.statusCode(), body + " -> " + text);
      assertTrue(text.contains("NUL"), text);
    }
  }

  /**
   * Sends {@code request}, once more on a fresh connection when the one the client took from its
   * pool had been closed by the gateway (after an answer that closes it, as a 413 does), as HTTP
   * clients do.
   */
  private HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
        throw e;
      }
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }
  }

  private HttpRequest build(Request request) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + request.path()))
            .timeout(ANSWER_WITHIN);
    request.headers().forEach(builder::header);
    HttpRequest.BodyPublisher body =
        request.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : request.chunked()
                ? HttpRequest.BodyPublishers.ofInputStream(
                    () -> new ByteArrayInputStream(request.body()))
                : HttpRequest.BodyPublishers.ofByteArray(request.body());
    return builder.method(request.method(), body).build();
  }

  /** What is wrong with {@code answer} to {@code request}, or null when nothing is. */
  private static String problemIn(Request request, HttpResponse<byte[]> answer) {
    int status = answer.statusCode();
    if (status >= 500 || status < 200) {
      return "status " + status + " " + abbreviate(answer.body());
    }
    if (status < 400 || request.method().equals("HEAD")) {
      return null;
    }
    if (status == 414 || status == 431) {
      // Vert.x's HTTP decoder refuses a request line or headers over its limits before any route
      // runs, with an empty body; the gateway cannot shape those.
      return null;
    }
    String text = new String(answer.body(), StandardCharsets.UTF_8);
    if (DatabaseOutageTest.INTERNALS.matcher(text).find()) {
      return "status " + status + " reveals internals: " + abbreviate(answer.body());
    }
    String type = answer.headers().firstValue("Content-Type").orElse("");
    JsonNode body;
    try {
      body = JSON.readTree(answer.body());
    } catch (IOException e) {
      return "status " + status + " (" + type + ") is not JSON: " + abbreviate(answer.body());
    }
    boolean fits =
        switch (request.errors()) {
          case PROBLEM -> isProblem(type, body, status);
          // A request refused before it reached the compatibility API (a path that leads
          // elsewhere, a bad header, a body over the limit) gets the gateway's own problem.
          case OPENAI -> body.path("error").hasNonNull("message") || isProblem(type, body, status);
          case A1111 ->
              body.hasNonNull("error")
                  || body.hasNonNull("detail")
                  || isProblem(type, body, status);
        };
    return fits
        ? null
        : "status "
            + status
            + " ("
            + type
            + ") not in the "
            + request.errors()
            + " format: "
            + abbreviate(answer.body());
  }

  private static boolean isProblem(String type, JsonNode body, int status) {
    return type.startsWith("application/problem+json")
        && body.path("status").asInt() == status
        && body.hasNonNull("title");
  }

  private static String abbreviate(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  private String created(String path, String json, String as) throws Exception {
    HttpResponse<byte[]> answer =
        http.send(
            build(
                new Request(
                    "setup",
                    "POST",
                    path,
                    Map.of("Authorization", "Bearer " + as, "Content-Type", "application/json"),
                    json.getBytes(StandardCharsets.UTF_8),
                    false,
                    ErrorFormat.PROBLEM)),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(202, answer.statusCode(), new String(answer.body(), StandardCharsets.UTF_8));
    return JSON.readTree(answer.body()).path("id").asText();
  }

  private void assertHealthy() throws Exception {
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(base.toString().replaceAll("/$", "") + "/q/health/ready"))
                .timeout(ANSWER_WITHIN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ready.statusCode(), ready.body());
    created("/v1/jobs", "{\"prompt\":\"after the fuzz\"}", key);
  }
}
