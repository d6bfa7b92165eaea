package dev.tessera.deploy.farm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** A small HTTP client of the gateway's API, for the demo and the end-to-end tests. Thread-safe. */
public final class FarmClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELED");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final int RETRIES = 5;

  private final String gatewayUrl;
  private final String apiKey;

  /**
   * @param apiKey the tenant's API key every {@code /v1} request carries
   */
  public FarmClient(String gatewayUrl, String apiKey) {
    this.gatewayUrl = gatewayUrl;
    this.apiKey = apiKey;
  }

  /** A request to the gateway's API, with the tenant's key and a time limit. */
  private HttpRequest.Builder api(String path) {
    return HttpRequest.newBuilder(URI.create(gatewayUrl + path))
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + apiKey);
  }

  /** A job request with the given prompt and the API's defaults otherwise. */
  public static ObjectNode request(String prompt) {
    return JSON.createObjectNode().put("prompt", prompt);
  }

  /**
   * Submits a job and returns its id; fails with the gateway's problem text unless it answers 202.
   */
  public String submit(ObjectNode job) throws IOException {
    HttpResponse<String> response =
        send(
            api("/v1/jobs")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(job.toString()))
                .build());
    if (response.statusCode() != 202) {
      throw new IOException("gateway answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body()).path("id").asText();
  }

  /**
   * Submits a batch ({@code {"defaults": ..., "items": [...]}}) and returns its id; fails with the
   * gateway's problem text unless it answers 202.
   */
  public String submitBatch(ObjectNode batch) throws IOException {
    HttpResponse<String> response =
        send(
            api("/v1/batches")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch.toString()))
                .build());
    if (response.statusCode() != 202) {
      throw new IOException("gateway answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body()).path("id").asText();
  }

  /**
   * Posts a batch under {@code Idempotency-Key} {@code key} and returns the gateway's answer,
   * whatever its status (a 429 or 503 is sent again first, as {@link #submitBatch(ObjectNode)}
   * does).
   *
   * @throws IOException when no answer came (the gateway is down or died while answering)
   */
  public HttpResponse<String> submitBatch(ObjectNode batch, String key) throws IOException {
    return send(
        api("/v1/batches")
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "\"" + key + "\"")
            .POST(HttpRequest.BodyPublishers.ofString(batch.toString()))
            .build());
  }

  /** The batch's status document (state and counts). */
  public JsonNode batch(String id) throws IOException {
    return document("/v1/batches/" + id);
  }

  /** The batch's results, one JSON object a line, as the gateway streams them. */
  public List<JsonNode> batchResults(String id) throws IOException {
    HttpResponse<String> response = send(api("/v1/batches/" + id + "/results").GET().build());
    if (response.statusCode() != 200) {
      throw new IOException("gateway answered " + response.statusCode() + ": " + response.body());
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String line : response.body().split("\n")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  private JsonNode document(String path) throws IOException {
    HttpResponse<String> response = send(api(path).GET().build());
    if (response.statusCode() != 200) {
      throw new IOException(
          "gateway answered " + response.statusCode() + " for " + path + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** The job's status document. */
  public JsonNode status(String id) throws IOException {
    return document("/v1/jobs/" + id);
  }

  /**
   * Asks to cancel the job and returns its status as the gateway answered (202); fails with the
   * gateway's problem text on any other answer (404 unknown, 409 already ended).
   */
  public JsonNode cancel(String id) throws IOException {
    return cancel("/v1/jobs/", "job", id);
  }

  /** Asks to cancel every job of the batch that has not ended, as {@link #cancel} a job. */
  public JsonNode cancelBatch(String id) throws IOException {
    return cancel("/v1/batches/", "batch", id);
  }

  private JsonNode cancel(String path, String what, String id) throws IOException {
    HttpResponse<String> response =
        send(api(path + id + "/cancel").POST(HttpRequest.BodyPublishers.noBody()).build());
    if (response.statusCode() != 202) {
      throw new IOException(
          "gateway answered "
              + response.statusCode()
              + " to the cancel of "
              + what
              + " "
              + id
              + ": "
              + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** Polls until the job ends or {@code timeout} passes; {@code onPoll} sees every status read. */
  public JsonNode awaitEnd(String id, Duration timeout, Consumer<JsonNode> onPoll)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode status = status(id);
      onPoll.accept(status);
      if (TERMINAL.contains(status.path("state").asText())) {
        return status;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "job " + id + " did not end within " + timeout + "; last status: " + status);
      }
      sleep(250);
    }
  }

  /** Downloads the job's result through its presigned {@code result_url}. */
  public byte[] download(JsonNode status) throws IOException {
    String url = status.path("result_url").asText("");
    if (url.isEmpty()) {
      throw new IOException("job " + status.path("id").asText() + " has no result_url: " + status);
    }
    HttpResponse<byte[]> response =
        sendBytes(HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build());
    if (response.statusCode() != 200) {
      throw new IOException("result download answered " + response.statusCode());
    }
    return response.body();
  }

  /** Downloads the result into {@code file}. */
  public void download(JsonNode status, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, download(status));
  }

  /**
   * Sends {@code request}; a 429 or 503 is sent again after the Retry-After the gateway asked for,
   * a few times, as a polite client does.
   */
  private HttpResponse<String> send(HttpRequest request) throws IOException {
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      int status = response.statusCode();
      if ((status != 429 && status != 503) || attempt == RETRIES) {
        return response;
      }
      long seconds = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
      sleep(Math.min(seconds, 30) * 1000);
    }
  }

  private HttpResponse<byte[]> sendBytes(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
