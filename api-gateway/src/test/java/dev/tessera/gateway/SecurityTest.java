package dev.tessera.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.deploy.stack.ObjectStore;
import dev.tessera.deploy.stack.ServiceStack;
import dev.tessera.gateway.jobs.ResultLinks;
import dev.tessera.teststack.NeedsStack;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What the gateway promises about security, on the real services: the usual security headers and a
 * request id on every answer (errors too), result URLs that expire and open one object only, and no
 * secret in problem details, metrics or the OpenAPI document.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class SecurityTest {
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestHTTPResource("/")
  URL base;

  @GatewayServices.Services ServiceStack services;

  @Inject DataSource dataSource;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Answers of every kind: accepted, found, and refused at each layer that refuses. */
  private Map<String, HttpResponse<byte[]>> answersOfEveryKind() throws Exception {
    String auth = "Bearer " + GatewayServices.key;
    Map<String, HttpResponse<byte[]>> answers = new LinkedHashMap<>();
    HttpResponse<byte[]> accepted =
        send(post("/v1/jobs", "{\"prompt\":\"a lighthouse\"}").header("Authorization", auth));
    answers.put("202 submit", accepted);
    String id = JSON.readTree(accepted.body()).path("id").asText();
    answers.put("200 job", send(get("/v1/jobs/" + id).header("Authorization", auth)));
    answers.put(
        "404 unknown job",
        send(get("/v1/jobs/" + UUID.randomUUID()).header("Authorization", auth)));
    answers.put("400 bad id", send(get("/v1/jobs/not-a-uuid").header("Authorization", auth)));
    answers.put("401 no key", send(get("/v1/jobs")));
    answers.put(
        "401 unknown key",
        send(get("/v1/jobs").header("Authorization", "Bearer tsk_" + "A".repeat(43))));
    answers.put(
        "400 malformed", send(post("/v1/jobs", "{\"prompt\":").header("Authorization", auth)));
    answers.put(
        "422 invalid", send(post("/v1/jobs", "{\"steps\":0}").header("Authorization", auth)));
    byte[] big = new byte[(1 << 20) + 10];
    answers.put(
        "413 too large",
        send(
            request("/v1/jobs")
                .header("Authorization", auth)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big))));
    answers.put("404 no route", send(get("/v2/nothing").header("Authorization", auth)));
    answers.put(
        "405 wrong method",
        send(
            request("/v1/jobs/" + id)
                .header("Authorization", auth)
                .method("DELETE", HttpRequest.BodyPublishers.noBody())));
    answers.put(
        "openai 401", send(post("/v1/images/generations", "{}").header("Authorization", "x")));
    answers.put("a1111 400", send(post("/sdapi/v1/txt2img", "{").header("Authorization", auth)));
    answers.put("health", send(get("/q/health/ready")));
    answers.put("openapi", send(get("/q/openapi")));
    answers.put("metrics", send(get("/q/metrics")));
    return answers;
  }

  @Test
  void everyAnswerCarriesTheSecurityHeadersErrorsIncluded() throws Exception {
    List<String> missing = new ArrayList<>();
    answersOfEveryKind()
        .forEach(
            (kind, answer) -> {
              Map<String, String> expected = new LinkedHashMap<>();
              expected.put("X-Content-Type-Options", "nosniff");
              expected.put("Referrer-Policy", "no-referrer");
              expected.put("X-Frame-Options", "DENY");
              expected.put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
              if (answer.request().headers().firstValue("Authorization").isPresent()) {
                expected.put("Cache-Control", "no-store");
              }
              expected.forEach(
                  (name, value) -> {
                    String got = answer.headers().firstValue(name).orElse(null);
                    if (!value.equals(got)) {
                      missing.add(kind + " (" + answer.statusCode() + "): " + name + "=" + got);
                    }
                  });
              if (answer.headers().firstValue("X-Request-Id").isEmpty()) {
                missing.add(kind + ": no X-Request-Id");
              }
              // Plain HTTP: HSTS would be meaningless (and is only honoured over TLS).
              if (answer.headers().firstValue("Strict-Transport-Security").isPresent()) {
                missing.add(kind + ": HSTS over plain HTTP");
              }
            });
    assertTrue(missing.isEmpty(), String.join("\n", missing));
  }

  @Test
  void aRequestIdIsTakenFromTheClientOrMadeReturnedAndStoredWithItsJobs() throws Exception {
    String auth = "Bearer " + GatewayServices.key;
    HttpResponse<byte[]> given =
        send(
            post("/v1/jobs", "{\"prompt\":\"with an id\"}")
                .header("Authorization", auth)
                .header("X-Request-Id", "client-7f3a:9"));
    assertEquals(202, given.statusCode());
    assertEquals("client-7f3a:9", given.headers().firstValue("X-Request-Id").orElseThrow());
    assertEquals("client-7f3a:9", storedRequestId(given));

    HttpResponse<byte[]> made =
        send(post("/v1/jobs", "{\"prompt\":\"without\"}").header("Authorization", auth));
    String madeId = made.headers().firstValue("X-Request-Id").orElseThrow();
    assertEquals(madeId, UUID.fromString(madeId).toString(), "a new random id");
    assertEquals(madeId, storedRequestId(made));

    HttpResponse<byte[]> batch =
        send(
            post(
                    "/v1/batches",
                    "{\"items\":[{\"custom_id\":\"a\",\"prompt\":\"one\"},"
                        + "{\"custom_id\":\"b\",\"prompt\":\"two\"}]}")
                .header("Authorization", auth)
                .header("X-Request-Id", "batch-req-1"));
    assertEquals(202, batch.statusCode(), new String(batch.body(), StandardCharsets.UTF_8));
    UUID batchId = UUID.fromString(JSON.readTree(batch.body()).path("id").asText());
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT request_id FROM jobs WHERE batch_id = ? ORDER BY custom_id")) {
      s.setObject(1, batchId);
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      assertEquals(List.of("batch-req-1", "batch-req-1"), ids, "every job of the batch");
    }

    // An id that could forge log lines or fill them is replaced, not refused.
    for (String odd : List.of("a b", "x".repeat(129), "\u00e9t\u00e9", "a;b")) {
      HttpResponse<byte[]> replaced =
          send(get("/v1/jobs").header("Authorization", auth).header("X-Request-Id", odd));
      assertEquals(200, replaced.statusCode());
      String id = replaced.headers().firstValue("X-Request-Id").orElseThrow();
      assertNotEquals(odd, id);
      UUID.fromString(id);
    }
  }

  /**
   * A result URL opens its object until it expires, then S3 refuses it; and it opens that object
   * only: the same signature for another key, or with a longer lifetime, is refused (signature
   * mismatch).
   */
  @Test
  void resultUrlsExpireAndOpenOnlyTheirObject() throws Exception {
    byte[] png = "not really a png".getBytes(StandardCharsets.UTF_8);
    String key = "results/" + UUID.randomUUID() + ".png";
    String otherKey = "results/" + UUID.randomUUID() + ".png";
    putObject(key, png);
    putObject(otherKey, "another tenant's result".getBytes(StandardCharsets.UTF_8));
    ObjectStore s3 = services.s3();
    ResultLinks links =
        new ResultLinks(
            s3.endpoint(),
            "us-east-1",
            s3.accessKey(),
            s3.secretKey(),
            GatewayServices.BUCKET,
            Duration.ofSeconds(5));
    String url = links.presignedGet(key);
    assertTrue(url.contains("X-Amz-Expires=6&"), "5 s and a one-second window: " + url);

    HttpResponse<byte[]> fresh = fetch(url);
    assertEquals(200, fresh.statusCode(), new String(fresh.body(), StandardCharsets.UTF_8));
    assertArrayEquals(png, fresh.body());

    HttpResponse<byte[]> moved = fetch(url.replace(key, otherKey));
    assertEquals(403, moved.statusCode(), "another object with this object's signature");
    assertTrue(
        new String(moved.body(), StandardCharsets.UTF_8).contains("SignatureDoesNotMatch"),
        new String(moved.body(), StandardCharsets.UTF_8));
    HttpResponse<byte[]> longer = fetch(url.replace("X-Amz-Expires=6&", "X-Amz-Expires=604800&"));
    assertEquals(403, longer.statusCode(), "a lifetime stretched by the client");

    // Bounded: the URL's lifetime is 6 s from the start of its window.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    HttpResponse<byte[]> late = fetch(url);
    while (late.statusCode() == 200 && System.nanoTime() < deadline) {
      Thread.sleep(500);
      late = fetch(url);
    }
    assertEquals(403, late.statusCode(), "expired: " + new String(late.body()));
    assertTrue(
        new String(late.body(), StandardCharsets.UTF_8).contains("expired"),
        new String(late.body()));
  }

  /**
   * No secret shows in what the gateway serves: problem details, the OpenAPI document, metrics. The
   * secrets are the S3 secret key, the database password, API keys (the tenant's and one presented
   * that does not exist) and the tenant's webhook signing secret.
   */
  @Test
  void noSecretShowsInProblemsMetricsOrTheOpenApiDocument() throws Exception {
    HttpResponse<byte[]> secretAnswer =
        send(get("/v1/webhooks/secret").header("Authorization", "Bearer " + GatewayServices.key));
    assertEquals(200, secretAnswer.statusCode());
    String webhookSecret = JSON.readTree(secretAnswer.body()).path("secret").asText();
    assertTrue(webhookSecret.startsWith("whsec_"), webhookSecret);
    String unknownKey = "tsk_" + "Zq9".repeat(14) + "Z";
    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("S3 secret key", services.s3().secretKey());
    secrets.put("database password", services.jdbcPassword());
    secrets.put("API key", GatewayServices.key);
    secrets.put("operator's API key", GatewayServices.operatorKey);
    secrets.put("webhook signing secret", webhookSecret);
    secrets.put("a presented unknown key", unknownKey);

    Map<String, HttpResponse<byte[]>> answers = answersOfEveryKind();
    answers.put(
        "401 unknown key presented",
        send(get("/v1/jobs").header("Authorization", "Bearer " + unknownKey)));
    answers.put("metrics after the requests", send(get("/q/metrics")));
    List<String> leaks = new ArrayList<>();
    answers.forEach(
        (kind, answer) -> {
          if (answer.statusCode() >= 400 || !kind.matches("\\d.*")) {
            String body = new String(answer.body(), StandardCharsets.UTF_8);
            String headers = answer.headers().map().toString();
            secrets.forEach(
                (what, value) -> {
                  if (body.contains(value) || headers.contains(value)) {
                    leaks.add(what + " in " + kind);
                  }
                });
          }
        });
    assertTrue(leaks.isEmpty(), String.join("\n", leaks));
  }

  private String storedRequestId(HttpResponse<byte[]> accepted) throws Exception {
    UUID id = UUID.fromString(JSON.readTree(accepted.body()).path("id").asText());
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT request_id FROM jobs WHERE id = ?")) {
      s.setObject(1, id);
      try (ResultSet rs = s.executeQuery()) {
        assertTrue(rs.next(), "job " + id + " stored");
        return rs.getString(1);
      }
    }
  }

  private void putObject(String key, byte[] bytes) throws Exception {
    MinioClient s3 =
        MinioClient.builder()
            .endpoint(services.s3().endpoint())
            .credentials(services.s3().accessKey(), services.s3().secretKey())
            .build();
    if (!s3.bucketExists(BucketExistsArgs.builder().bucket(GatewayServices.BUCKET).build())) {
      s3.makeBucket(MakeBucketArgs.builder().bucket(GatewayServices.BUCKET).build());
    }
    s3.putObject(
        PutObjectArgs.builder().bucket(GatewayServices.BUCKET).object(key).stream(
                new ByteArrayInputStream(bytes), bytes.length, -1)
            .build());
  }

  private HttpResponse<byte[]> fetch(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(ANSWER_WITHIN).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
        .timeout(ANSWER_WITHIN);
  }

  private HttpRequest.Builder get(String path) {
    return request(path).GET();
  }

  private HttpRequest.Builder post(String path, String json) {
    return request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
