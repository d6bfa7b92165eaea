package dev.tessera.gateway.api;

import static dev.tessera.gateway.Api.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.gateway.Api;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.webhooks.WebhookReceiver;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks through the whole gateway: a job submitted with a webhook, moved by SQL as the scheduler
 * moves it (the trigger enqueues), delivered by the app's sender to a receiver on the loopback
 * interface (the tests allow private targets), verified as a client would verify it, and shown in
 * {@code GET /v1/webhooks/deliveries}.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class WebhooksTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Inject DataSource dataSource;

  private Sql sql;

  @BeforeEach
  void setUp() {
    sql = new Sql(dataSource);
  }

  /**
   * What a client does with a delivery, in a few lines: the HMAC-SHA256 of {@code
   * id.timestamp.body} under the secret's key must be one of the header's signatures, and the
   * timestamp recent.
   */
  static boolean verify(String secret, String id, String timestamp, byte[] body, String signatures)
      throws Exception {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
    byte[] expected = ("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body))).getBytes();
    boolean recent = Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) <= 5 * 60;
    return recent
        && Arrays.stream(signatures.split(" "))
            .anyMatch(s -> MessageDigest.isEqual(s.getBytes(), expected));
  }

  @Test
  void aFailingReceiverGetsTheSameDeliveryUntilItAcceptsAndVerifiesEverySignature()
      throws Exception {
    try (WebhookReceiver receiver = new WebhookReceiver(n -> n <= 2 ? 500 : 200)) {
      UUID job =
          submit(
              """
              {"prompt": "a lighthouse", "webhook_url": "%s"}"""
                  .formatted(receiver.url()),
              List.of("completed"));
      start(job);
      sql.update(
          """
          UPDATE jobs SET state = 'SUCCEEDED', object_key = 'results/' || id || '.png',
                 finished_at = now(), version = version + 1 WHERE id = ? AND state = 'RUNNING'""",
          job);

      List<WebhookReceiver.Received> got = receiver.await(3, WAIT);
      String secret = secret(GatewayServices.key);
      for (WebhookReceiver.Received r : got) {
        assertEquals(got.get(0).id(), r.id(), "one delivery, retried");
        assertTrue(verify(secret, r.id(), r.timestamp(), r.body(), r.signature()), r.toString());
        assertTrue(
            !verify(
                secret(GatewayServices.otherKey), r.id(), r.timestamp(), r.body(), r.signature()));
      }
      JsonPath body = JsonPath.from(new String(got.get(0).body(), StandardCharsets.UTF_8));
      assertEquals("job.completed", body.getString("type"));
      assertEquals(job.toString(), body.getString("data.id"));
      assertEquals("SUCCEEDED", body.getString("data.state"));
      assertTrue(
          body.getString("data.result_url").contains("/results/" + job + ".png?X-Amz-"),
          body.prettify());

      JsonPath delivery =
          eventually(
              () -> deliveries("?job=" + job),
              page -> "delivered".equals(page.getString("data[0].state")));
      assertEquals(1, delivery.getList("data").size());
      assertEquals(got.get(0).id(), delivery.getString("data[0].id"));
      assertEquals("job.completed", delivery.getString("data[0].type"));
      assertEquals(receiver.url(), delivery.getString("data[0].url"));
      assertEquals(List.of(500, 500, 200), delivery.getList("data[0].attempts.status"));
      assertEquals(Arrays.asList(null, null, null), delivery.getList("data[0].attempts.error"));
      assertNull(delivery.get("data[0].next_attempt_at"));
    }
  }

  @Test
  void startedAndProgressAreSentWhenAskedFor() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.accepting()) {
      UUID job =
          submit(
              """
              {"prompt": "a fox", "webhook_url": "%s",
               "webhook_events": ["progress", "started"]}"""
                  .formatted(receiver.url()),
              List.of("started", "progress"));
      start(job);
      sql.update("UPDATE jobs SET progress_step = 5, progress_total = 25 WHERE id = ?", job);
      List<WebhookReceiver.Received> got = receiver.await(2, WAIT);
      List<String> types =
          got.stream()
              .map(r -> JsonPath.from(new String(r.body(), StandardCharsets.UTF_8)))
              .map(b -> b.getString("type") + " " + b.getString("data.progress.step"))
              .sorted()
              .toList();
      assertEquals(List.of("job.progress 5", "job.started null"), types);
    }
  }

  @Test
  void theSecretIsTheTenantsOwnAndStaysTheSame() {
    String secret = secret(GatewayServices.key);
    assertTrue(secret.matches("whsec_[A-Za-z0-9+/]{43}="), secret);
    assertEquals(32, Base64.getDecoder().decode(secret.substring(6)).length);
    assertEquals(secret, secret(GatewayServices.key));
    assertNotEquals(secret, secret(GatewayServices.otherKey));
  }

  @Test
  void deliveriesAreListedNewestFirstAPageAtATimeAndOnlyToTheirTenant() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.accepting()) {
      UUID job =
          submit(
              """
              {"prompt": "a fox", "webhook_url": "%s", "webhook_events": ["started", "completed"]}"""
                  .formatted(receiver.url()),
              List.of("started", "completed"));
      start(job);
      sql.update(
          """
          UPDATE jobs SET state = 'FAILED', error = 'out of memory', finished_at = now(),
                 version = version + 1 WHERE id = ?""",
          job);
      receiver.await(2, WAIT);

      JsonPath first = deliveries("?job=" + job + "&limit=1");
      assertEquals("job.completed", first.getString("data[0].type"));
      String cursor = first.getString("next_cursor");
      JsonPath second = deliveries("?job=" + job + "&limit=1&cursor=" + cursor);
      assertEquals("job.started", second.getString("data[0].type"));
      assertNull(second.getString("next_cursor"));

      Api.as(GatewayServices.otherKey)
          .get("/v1/webhooks/deliveries?job=" + job)
          .then()
          .statusCode(200)
          .body("data", equalTo(List.of()));
      List<String> others =
          Api.as(GatewayServices.otherKey)
              .get("/v1/webhooks/deliveries?limit=1000")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath()
              .getList("data.job_id");
      assertTrue(!others.contains(job.toString()));
    }
  }

  @Test
  void badWebhookFieldsAnswer422NamingTheField() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"prompt\": \"x\", \"webhook_url\": \"ftp://example.com/hook\"}")
        .post("/v1/jobs")
        .then()
        .statusCode(422)
        .contentType(Problem.MEDIA_TYPE)
        .body("errors[0].field", equalTo("webhook_url"));
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"prompt\": \"x\", \"webhook_url\": \"https://example.com/\","
                + " \"webhook_events\": [\"finished\"]}")
        .post("/v1/jobs")
        .then()
        .statusCode(422)
        .body("errors[0].field", equalTo("webhook_events[0]"));
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"defaults\": {\"webhook_url\": \"hook\"},"
                + " \"items\": [{\"custom_id\": \"a\", \"prompt\": \"x\"}]}")
        .post("/v1/batches")
        .then()
        .statusCode(422)
        .body("errors.field", equalTo(List.of("defaults.webhook_url")));
    given()
        .get("/v1/webhooks/deliveries?job=nope&limt=3")
        .then()
        .statusCode(400)
        .body("errors.field", equalTo(List.of("limt", "job")));
  }

  @Test
  void openApiDescribesTheWebhooks() {
    given()
        .accept("application/json")
        .get("/q/openapi")
        .then()
        .statusCode(200)
        .body("paths.'/v1/webhooks/secret'.get.responses", hasKey("200"))
        .body("paths.'/v1/webhooks/deliveries'.get.parameters.name", hasItem("job"))
        .body("components.schemas.JobRequest.properties", hasKey("webhook_url"))
        .body("components.schemas.JobRequest.properties", hasKey("webhook_events"))
        .body("components.schemas.WebhookDelivery.properties", hasKey("attempts"));
  }

  /** Submits {@code body}; the answer shows the webhook with its events filled in. */
  private static UUID submit(String body, List<String> events) {
    JsonPath job =
        given()
            .contentType(ContentType.JSON)
            .body(body)
            .post("/v1/jobs")
            .then()
            .statusCode(202)
            .body("request.webhook_events", equalTo(events))
            .body("request.webhook_url", matchesPattern("http://127\\.0\\.0\\.1:\\d+/hook"))
            .extract()
            .jsonPath();
    return UUID.fromString(job.getString("id"));
  }

  private void start(UUID job) throws Exception {
    assertEquals(
        1,
        sql.update(
            """
            UPDATE jobs SET state = 'RUNNING', attempt = 1, worker_id = 'gpu-0', started_at = now(),
                   version = version + 1 WHERE id = ? AND state = 'QUEUED'""",
            job));
  }

  private static String secret(String key) {
    return Api.as(key)
        .get("/v1/webhooks/secret")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getString("secret");
  }

  private static JsonPath deliveries(String query) {
    return given()
        .get("/v1/webhooks/deliveries" + query)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private interface Check {
    boolean holds(JsonPath page);
  }

  private static JsonPath eventually(Callable<JsonPath> read, Check check) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      JsonPath page = read.call();
      if (check.holds(page)) {
        return page;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + page.prettify());
      }
      Thread.sleep(50);
    }
  }
}
