package dev.tessera.gateway.idempotency;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.gateway.Api;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.api.Problem;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Idempotency-Key} on {@code POST /v1/jobs}: replay, reuse, in flight, per tenant, expiry.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class IdempotencyTest {
  @Inject DataSource dataSource;

  private Sql sql;

  @BeforeEach
  void setUp() {
    sql = new Sql(dataSource);
  }

  private static Response post(String apiKey, String idempotencyKey, String body) {
    return Api.as(apiKey)
        .contentType(ContentType.JSON)
        .header(Idempotency.HEADER, idempotencyKey)
        .body(body)
        .post("/v1/jobs");
  }

  private static String key() {
    return "\"" + UUID.randomUUID() + "\"";
  }

  private long jobsWithPrompt(String prompt) throws Exception {
    return sql.count("SELECT count(*) FROM jobs WHERE settings->>'prompt' = ?", prompt);
  }

  @Test
  void aRetryWithTheSameKeyAndBodyAnswersTheSameAndCreatesNothing() throws Exception {
    String key = key();
    String prompt = "idempotent " + UUID.randomUUID();
    Response first =
        post(GatewayServices.key, key, "{\"prompt\": \"" + prompt + "\", \"steps\": 4}");
    first.then().statusCode(202);
    // The same request written otherwise: another field order and spacing.
    Response again =
        post(GatewayServices.key, key, "{ \"steps\":4,\n \"prompt\":\"" + prompt + "\" }");
    again
        .then()
        .statusCode(202)
        .header(Idempotency.REPLAYED, "true")
        .header("Location", first.header("Location"));
    assertEquals(first.jsonPath().getString("id"), again.jsonPath().getString("id"));
    assertEquals(
        first.jsonPath().getLong("request.seed"), again.jsonPath().getLong("request.seed"));
    assertEquals(1, jobsWithPrompt(prompt));
  }

  @Test
  void theSameKeyWithAnotherBodyIsRefused() throws Exception {
    String key = key();
    post(GatewayServices.key, key, "{\"prompt\": \"a first request\"}").then().statusCode(202);
    post(GatewayServices.key, key, "{\"prompt\": \"another request\"}")
        .then()
        .statusCode(422)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", containsString("used for another request"));
    assertEquals(0, jobsWithPrompt("another request"));
  }

  @Test
  void aRetryWhileTheFirstIsInFlightIsAConflict() throws Exception {
    String key = key();
    String body = "{\"prompt\": \"in flight " + UUID.randomUUID() + "\"}";
    post(GatewayServices.key, key, body).then().statusCode(202);
    // As if the first request had claimed the key and were still writing its jobs.
    sql.update(
        "UPDATE idempotency_keys SET status = NULL, location = NULL, body = NULL WHERE key = ?",
        key.replace("\"", ""));
    post(GatewayServices.key, key, body)
        .then()
        .statusCode(409)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", containsString("still being processed"));
  }

  @Test
  void keysArePerTenant() throws Exception {
    String key = key();
    String prompt = "per tenant " + UUID.randomUUID();
    String mine =
        post(GatewayServices.key, key, "{\"prompt\": \"" + prompt + "\"}")
            .jsonPath()
            .getString("id");
    String theirs =
        post(GatewayServices.otherKey, key, "{\"prompt\": \"" + prompt + "\"}")
            .jsonPath()
            .getString("id");
    assertTrue(!mine.equals(theirs));
    assertEquals(2, jobsWithPrompt(prompt));
  }

  @Test
  void aFailedRequestLeavesTheKeyFreeAndAnExpiredKeyIsNew() throws Exception {
    String key = key();
    post(GatewayServices.key, key, "{\"prompt\": \"\"}").then().statusCode(422);
    String prompt = "after a failure " + UUID.randomUUID();
    post(GatewayServices.key, key, "{\"prompt\": \"" + prompt + "\"}").then().statusCode(202);
    sql.update(
        "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = ?",
        key.replace("\"", ""));
    post(GatewayServices.key, key, "{\"prompt\": \"" + prompt + "\"}")
        .then()
        .statusCode(202)
        .header(Idempotency.REPLAYED, (String) null);
    assertEquals(2, jobsWithPrompt(prompt), "a key older than 24 hours no longer replays");
  }

  @Test
  void aMalformedKeyIsRefusedNamingTheHeader() {
    post(GatewayServices.key, "x".repeat(300), "{\"prompt\": \"a fox\"}")
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", containsString("Idempotency-Key"));
  }

  @Test
  void concurrentRetriesCreateOneJob() throws Exception {
    String key = key();
    String prompt = "concurrent " + UUID.randomUUID();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Response>> answers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        answers.add(
            pool.submit(() -> post(GatewayServices.key, key, "{\"prompt\": \"" + prompt + "\"}")));
      }
      Set<String> ids = new HashSet<>();
      for (Future<Response> answer : answers) {
        Response r = answer.get();
        assertTrue(r.statusCode() == 202 || r.statusCode() == 409, "status " + r.statusCode());
        if (r.statusCode() == 202) {
          ids.add(r.jsonPath().getString("id"));
        } else {
          r.then().body("type", equalTo("urn:tessera:problem:idempotency-key"));
        }
      }
      assertEquals(1, ids.size(), "every accepted answer names the one job: " + ids);
      assertEquals(1, jobsWithPrompt(prompt));
    } finally {
      pool.shutdownNow();
    }
  }
}
