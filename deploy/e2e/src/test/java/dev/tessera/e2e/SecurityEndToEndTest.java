package dev.tessera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.deploy.farm.AppProcess;
import dev.tessera.deploy.farm.FarmClient;
import dev.tessera.deploy.farm.FarmHome;
import dev.tessera.deploy.farm.LocalFarm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole farm job, then what its services wrote: the job's lines in the gateway's, the scheduler's
 * and the worker's logs share the id of the request that submitted it, and no secret (the S3 secret
 * key, the database password, the tenant's API key, its webhook signing secret) shows in any
 * service's log or metrics. Models are the untrained miniatures.
 */
class SecurityEndToEndTest {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path state;
  private static LocalFarm farm;
  private static FarmClient client;

  @BeforeAll
  static void start() throws IOException {
    FarmHome checkout = FarmHome.current();
    farm = LocalFarm.start(new FarmHome(checkout.root(), state), LocalFarm.Options.defaults(1));
    client = new FarmClient(farm.gatewayUrl(), farm.apiKey());
  }

  @AfterAll
  static void stop() throws IOException {
    if (farm != null) {
      farm.close();
    }
  }

  @Test
  void oneJobsLinesShareItsRequestIdAcrossServicesAndNoLogOrMetricShowsASecret() throws Exception {
    String webhookSecret =
        JSON.readTree(send(api("/v1/webhooks/secret").GET()).body()).path("secret").asText();
    assertTrue(webhookSecret.startsWith("whsec_"), webhookSecret);
    String requestId = "e2e-" + UUID.randomUUID();
    HttpResponse<String> accepted =
        send(
            api("/v1/jobs")
                .header("X-Request-Id", requestId)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        FarmClient.request("a lighthouse, traced")
                            .put("steps", 3)
                            .put("upscale", "sr")
                            .toString())));
    assertEquals(202, accepted.statusCode(), accepted.body());
    assertEquals(requestId, accepted.headers().firstValue("X-Request-Id").orElseThrow());
    String job = JSON.readTree(accepted.body()).path("id").asText();
    JsonNode done = client.awaitEnd(job, JOB_TIMEOUT, s -> {});
    assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
    assertTrue(client.download(done).length > 0);
    // Refusals, which a careless service might log with what it was given.
    send(api("/v1/jobs/" + UUID.randomUUID()).GET());
    send(
        HttpRequest.newBuilder(URI.create(farm.gatewayUrl() + "/v1/jobs"))
            .timeout(REQUEST_TIMEOUT)
            .header("Authorization", "Bearer " + farm.apiKey() + "x")
            .GET());

    Path logs = state.resolve("run").resolve("logs");
    String scheduler = farm.schedulers().get(0).name();
    String worker = farm.workers().get(0).name();
    // The scheduler logs the job's end as it applies it, before the status shows it; the wait only
    // covers lines still on their way to the files.
    Map<String, List<String>> lines = new LinkedHashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      for (String service : List.of("api-gateway", scheduler, worker)) {
        lines.put(service, linesNaming(logs.resolve(service + ".log"), job));
      }
      boolean complete =
          lines.values().stream().noneMatch(List::isEmpty)
              && lines.get(scheduler).stream().anyMatch(l -> l.contains("-> SUCCEEDED"));
      if (complete || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(500);
    }
    lines.forEach(
        (service, naming) -> {
          System.out.println(service + ": " + String.join("\n  ", naming));
          assertFalse(naming.isEmpty(), service + " logged a line about job " + job);
          for (String line : naming) {
            assertTrue(
                line.contains("[" + requestId + "]"),
                service + "'s line about job " + job + " names request " + requestId + ": " + line);
          }
        });
    assertTrue(
        lines.get(scheduler).stream().anyMatch(l -> l.contains("-> SUCCEEDED")),
        "the scheduler logged the job's end: " + lines.get(scheduler));

    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("S3 secret key", farm.stack().s3().secretKey());
    secrets.put("database password", farm.stack().jdbcPassword());
    secrets.put("API key", farm.apiKey());
    secrets.put("webhook signing secret", webhookSecret);
    Map<String, String> texts = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(logs)) {
      for (Path file : files.toList()) {
        texts.put(
            file.getFileName().toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
      }
    }
    List<AppProcess> services = new ArrayList<>(farm.schedulers());
    services.addAll(farm.workers());
    for (AppProcess service : services) {
      texts.put(service.name() + " /q/metrics", get(service.url() + "/q/metrics"));
    }
    texts.put("api-gateway /q/metrics", get(farm.gatewayUrl() + "/q/metrics"));
    texts.put("api-gateway /q/openapi", get(farm.gatewayUrl() + "/q/openapi"));
    assertTrue(
        texts.keySet().containsAll(List.of("api-gateway.log", scheduler + ".log", worker + ".log")),
        texts.keySet().toString());
    // Workers hold no database credentials at all (where /proc shows a process's environment).
    if (Files.isReadable(Path.of("/proc/self/environ"))) {
      for (AppProcess w : farm.workers()) {
        String env =
            Files.readString(Path.of("/proc/" + w.pid() + "/environ"), StandardCharsets.ISO_8859_1);
        assertFalse(env.contains("JDBC_PASSWORD="), w.name() + " has no database password");
        assertTrue(env.contains("S3_SECRET_KEY="), w.name() + "'s environment was read");
      }
    }
    List<String> leaks = new ArrayList<>();
    texts.forEach(
        (where, text) ->
            secrets.forEach(
                (what, value) -> {
                  if (text.contains(value)) {
                    leaks.add(what + " in " + where);
                  }
                }));
    System.out.println("searched for " + secrets.keySet() + " in " + texts.keySet());
    assertTrue(leaks.isEmpty(), String.join("\n", leaks));
  }

  private static List<String> linesNaming(Path log, String job) throws IOException {
    if (!Files.exists(log)) {
      return List.of();
    }
    return Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
        .filter(l -> l.contains(job))
        .toList();
  }

  private static HttpRequest.Builder api(String path) {
    return HttpRequest.newBuilder(URI.create(farm.gatewayUrl() + path))
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + farm.apiKey());
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> answer =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), url);
    return answer.body();
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
