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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile input: thousands of generated requests to every endpoint (random and mutated JSON, wrong
 * types, huge numbers, deep nesting, invalid UTF-8, NUL and control characters, chunked bodies, bad
 * headers, bad ids, path tricks), 10,000 to each endpoint the OpenAPI document lists, each get a
 * prompt 2xx or 4xx, errors in the endpoint's error format without a trace of the gateway's
 * insides, and the gateway stays healthy. {@code -Dfuzz.seed=N} repeats a run (each run prints its
 * seed), {@code -Dfuzz.per-endpoint=N} sizes it.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class HostileInputTest {
  /** Requests that reach each endpoint (and as many to the path tricks). */
  private static final int PER_ENDPOINT = Integer.getInteger("fuzz.per-endpoint", 10_000);

  /** Raw requests, each on a connection of its own. */
  private static final int RAW_REQUESTS = Integer.getInteger("fuzz.raw", 3_000);

  /** Requests in flight at once, over as many kept-alive connections. */
  private static final int PARALLEL = 32;

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
    assertEquals(
        servedEndpoints(),
        new TreeSet<>(HostileRequests.API_ENDPOINTS),
        "the fuzz covers every endpoint the OpenAPI document lists (add a new one to"
            + " HostileRequests)");
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("hostile input: seed " + seed + " (-Dfuzz.seed=" + seed + ")");
    HostileRequests.Ids ids =
        new HostileRequests.Ids(
            created("/v1/jobs", "{\"prompt\":\"fuzz target\"}", key),
            created(
                "/v1/batches",
                "{\"items\":[{\"custom_id\":\"t\",\"prompt\":\"fuzz target\"}]}",
                key),
            created("/v1/jobs", "{\"prompt\":\"not yours\"}", GatewayServices.otherKey));
    HostileRequests generator = new HostileRequests(seed, ids, key);

    int endpoints = HostileRequests.ENDPOINTS.size();
    int[] sent = new int[endpoints];
    Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
    AtomicInteger unsendable = new AtomicInteger();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    Semaphore inFlight = new Semaphore(PARALLEL);
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    long start = System.nanoTime();
    int total = 0;
    // Round after round over the endpoints still short of their share: a request Java's client
    // refuses to send does not count, so every endpoint gets PER_ENDPOINT requests that reached it.
    for (boolean more = true; more; ) {
      more = false;
      for (int e = 0; e < endpoints; e++) {
        if (sent[e] >= PER_ENDPOINT) {
          continue;
        }
        more = true;
        Request request = generator.next(e);
        HttpRequest built;
        try {
          built = build(request);
        } catch (IllegalArgumentException refused) {
          // A URI or header Java's client refuses to send at all; nothing reached the gateway.
          unsendable.incrementAndGet();
          continue;
        }
        sent[e]++;
        total++;
        if (!inFlight.tryAcquire(ANSWER_WITHIN.toSeconds() * 2, TimeUnit.SECONDS)) {
          throw new AssertionError("no answer came back within " + ANSWER_WITHIN.multipliedBy(2));
        }
        long t0 = System.nanoTime();
        pending.add(
            sendAsync(built)
                .handle(
                    (answer, failure) -> {
                      inFlight.release();
                      if (failure != null) {
                        wrong.add(
                            "no answer after "
                                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)
                                + " ms ("
                                + failure
                                + ") <- "
                                + request.describe());
                        return null;
                      }
                      byStatus
                          .computeIfAbsent(answer.statusCode(), s -> new AtomicInteger())
                          .incrementAndGet();
                      String problem = problemIn(request, answer);
                      if (problem != null) {
                        wrong.add(problem + " <- " + request.describe());
                      }
                      return null;
                    }));
        if (pending.size() >= 10_000) {
          pending.removeIf(CompletableFuture::isDone);
        }
      }
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
        .get(ANSWER_WITHIN.toSeconds() * 2, TimeUnit.SECONDS);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    Map<String, Integer> byEndpoint = new TreeMap<>();
    for (int e = 0; e < endpoints; e++) {
      byEndpoint.put(HostileRequests.ENDPOINTS.get(e), sent[e]);
    }
    System.out.printf(
        "hostile input: %d requests in %.1f s (%.0f requests/s; %d more not sendable by Java's"
            + " client)%n  by endpoint: %s%n  by status: %s%n",
        total,
        took.toMillis() / 1000.0,
        total / Math.max(0.001, took.toMillis() / 1000.0),
        unsendable.get(),
        byEndpoint,
        new TreeMap<>(byStatus));
    wrong.stream().limit(200).forEach(w -> System.out.println("  bad answer: " + w));
    assertTrue(
        wrong.isEmpty(),
        wrong.size()
            + " bad answers, the first: "
            + String.join("\n", wrong.stream().limit(15).toList()));
    byEndpoint.forEach(
        (endpoint, count) ->
            assertTrue(count >= PER_ENDPOINT, endpoint + " got its share: " + byEndpoint));
    assertHealthy();
  }

  /**
   * The endpoints the gateway serves, as its OpenAPI document lists them ({@code METHOD /path}),
   * path parameters named as {@link HostileRequests} names them. Health, metrics and the document
   * itself ({@code /q/...}) are the operator's, not the API's, and are not listed there.
   */
  private Set<String> servedEndpoints() throws Exception {
    HttpResponse<byte[]> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(url("/q/openapi?format=json")))
                .timeout(ANSWER_WITHIN)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, answer.statusCode());
    Set<String> served = new TreeSet<>();
    JSON.readTree(answer.body())
        .path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method ->
                            served.add(
                                method.toUpperCase(Locale.ROOT)
                                    + " "
                                    + path.getKey().replaceAll("\\{id[^}]*}", "{id}"))));
    return served;
  }

  /**
   * Bytes no HTTP client library would send (see {@link RawRequests}), each on a socket of its own:
   * never a 5xx, never the gateway's insides; a 4xx with a body has a JSON body; the gateway stays
   * healthy. The HTTP decoder refuses what breaks HTTP's grammar before any route runs (400, 414 or
   * 431 with no body), or closes the connection; those are counted.
   */
  @Test
  void malformedBytesOnTheWireNeverGetAServerError() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("raw requests: seed " + seed);
    RawRequests generator = new RawRequests(seed, key);
    URI uri = URI.create(base.toString());
    Map<String, AtomicInteger> byOutcome = new ConcurrentHashMap<>();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    long start = System.nanoTime();
    try {
      for (int i = 0; i < RAW_REQUESTS; i++) {
        RawRequests.Raw raw = generator.next();
        pending.add(
            CompletableFuture.runAsync(
                () -> {
                  String outcome;
                  try {
                    RawAnswer answer =
                        RawAnswer.exchange(uri.getHost(), uri.getPort(), raw.bytes());
                    outcome = answer == null ? "closed" : Integer.toString(answer.status());
                    String problem = answer == null ? null : answer.problem();
                    if (problem != null) {
                      wrong.add(problem + " <- " + raw.kind());
                    }
                  } catch (IOException e) {
                    outcome = "no answer: " + e.getClass().getSimpleName();
                    wrong.add(outcome + " <- " + raw.kind());
                  }
                  byOutcome
                      .computeIfAbsent(raw.kind() + " -> " + outcome, k -> new AtomicInteger())
                      .incrementAndGet();
                },
                pool));
      }
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
          .get(ANSWER_WITHIN.toSeconds() * 10, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    System.out.printf(
        "raw requests: %d in %.1f s%n  %s%n",
        RAW_REQUESTS,
        (System.nanoTime() - start) / 1e9,
        String.join(
            "\n  ", new TreeMap<>(byOutcome).entrySet().stream().map(Object::toString).toList()));
    assertTrue(
        wrong.isEmpty(),
        wrong.size() + " bad answers: " + String.join("\n", wrong.stream().limit(15).toList()));
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

  /** {@link #send} without waiting, retried the same way on a connection the gateway closed. */
  private CompletableFuture<HttpResponse<byte[]>> sendAsync(HttpRequest request) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (answer, failure) ->
                failure == null
                    ? CompletableFuture.completedFuture(answer)
                    : String.valueOf(failure.getMessage()).contains("received no bytes")
                        ? http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                        : CompletableFuture.<HttpResponse<byte[]>>failedFuture(failure))
        .thenCompose(f -> f);
  }

  private String url(String path) {
    return base.toString().replaceAll("/$", "") + path;
  }

  private HttpRequest build(Request request) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(url(request.path()))).timeout(ANSWER_WITHIN);
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
            HttpRequest.newBuilder(URI.create(url("/q/health/ready")))
                .timeout(ANSWER_WITHIN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ready.statusCode(), ready.body());
    created("/v1/jobs", "{\"prompt\":\"after the fuzz\"}", key);
  }
}
