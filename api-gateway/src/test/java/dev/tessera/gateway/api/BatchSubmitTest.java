package dev.tessera.gateway.api;

import static dev.tessera.gateway.Api.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.gateway.BatchBodies;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.QueueListener;
import dev.tessera.gateway.Sql;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Submitting batches: the answer, the rows of its one transaction, and the signal that tells the
 * scheduler of each model's new jobs.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class BatchSubmitTest {
  @Inject DataSource dataSource;

  private Sql sql;

  @BeforeEach
  void setUp() {
    sql = new Sql(dataSource);
  }

  @Test
  void tenThousandJobsAreStoredInOneGoAndEachModelIsSignalledOnce() throws Exception {
    String body =
        BatchBodies.json(
            "{\"steps\": 6, \"upscale\": \"sr\", \"priority\": 20}",
            10_000,
            i ->
                BatchBodies.job(
                    i,
                    i == 17
                        ? "\"steps\": 30, \"priority\": 90, \"model\": \""
                            + GatewayServices.OTHER_MODEL
                            + "\""
                        : ""));
    Response response;
    long acceptedMillis;
    try (QueueListener signals = new QueueListener(dataSource)) {
      long started = System.nanoTime();
      response = given().contentType(ContentType.JSON).body(body).post("/v1/batches");
      acceptedMillis = (System.nanoTime() - started) / 1_000_000;
      response.then().log().ifValidationFails().statusCode(202);
      assertEquals(
          List.of(GatewayServices.OTHER_MODEL, GatewayServices.MODEL),
          signals.await(2, Duration.ofSeconds(5)).stream().sorted().toList());
      assertEquals(List.of(), signals.during(Duration.ofMillis(300)), "one signal per model");
    }
    System.out.printf("10,000-job batch: accepted in %d ms%n", acceptedMillis);
    response
        .then()
        .contentType(ContentType.JSON)
        .header("Location", matchesPattern("/v1/batches/[0-9a-f-]{36}"))
        .body("state", equalTo("in_progress"))
        .body("request_counts.queued", equalTo(10_000))
        .body("request_counts.dispatched", equalTo(0))
        .body("request_counts.running", equalTo(0))
        .body("request_counts.total", equalTo(10_000));
    UUID batch = UUID.fromString(response.jsonPath().getString("id"));
    assertEquals("/v1/batches/" + batch, response.header("Location"));

    assertEquals(
        10_000,
        sql.count(
            "SELECT count(DISTINCT custom_id) FROM jobs j JOIN tenants t ON t.id = j.tenant_id"
                + " WHERE batch_id = ? AND t.name = 'test' AND state = 'QUEUED'",
            batch));
    assertEquals(
        9_999, sql.count("SELECT count(*) FROM jobs WHERE batch_id = ? AND priority = 20", batch));
    assertEquals(
        0,
        sql.count(
            "SELECT count(*) FROM outbox o JOIN jobs j ON o.key = j.id::text WHERE j.batch_id = ?",
            batch),
        "jobs do not travel through the outbox: the scheduler dispatches them");
    Map<String, Object> overridden =
        sql.row(
            "SELECT model, settings->>'steps' AS steps, upscale, priority FROM jobs"
                + " WHERE batch_id = ? AND custom_id = ?",
            batch,
            BatchBodies.customId(17));
    assertEquals("30", overridden.get("steps"));
    assertEquals(GatewayServices.OTHER_MODEL, overridden.get("model"));
    assertEquals("sr", overridden.get("upscale"));
    assertEquals(90, overridden.get("priority"));
    assertEquals(
        "6",
        sql.row(
                "SELECT settings->>'steps' AS steps FROM jobs WHERE batch_id = ? AND custom_id = ?",
                batch,
                BatchBodies.customId(18))
            .get("steps"));

    // As if every job had rendered: the results stream signs 10,000 URLs, a fetch at a time.
    sql.update(
        "UPDATE jobs SET state = 'SUCCEEDED', version = version + 1 WHERE batch_id = ?", batch);
    long streamStarted = System.nanoTime();
    String results =
        given()
            .get("/v1/batches/" + batch + "/results")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    System.out.printf(
        "10,000 results streamed in %d ms%n", (System.nanoTime() - streamStarted) / 1_000_000);
    List<String> lines = results.lines().toList();
    assertEquals(10_000, lines.size());
    assertTrue(lines.get(0).startsWith("{\"custom_id\":\"" + BatchBodies.customId(0) + "\""));
    assertTrue(lines.stream().allMatch(line -> line.contains("X-Amz-Signature=")));
  }

  @Test
  void aJsonLinesBatchNamesEachJobOnItsOwnLine() throws Exception {
    String body =
        "{\"custom_id\": \"first\", \"prompt\": \"a red fox\"}\n\n"
            + "{\"custom_id\": \"second\", \"prompt\": \"a grey wolf\", \"steps\": 12}\n";
    UUID batch =
        UUID.fromString(
            given()
                .contentType(BatchBodies.JSONL)
                .body(BatchBodies.bytes(body))
                .post("/v1/batches")
                .then()
                .statusCode(202)
                .body("request_counts.total", equalTo(2))
                .extract()
                .jsonPath()
                .getString("id"));
    assertEquals(
        List.of(
            Map.of("custom_id", "first", "steps", "25"),
            Map.of("custom_id", "second", "steps", "12")),
        sql.rows(
            "SELECT custom_id, settings->>'steps' AS steps FROM jobs WHERE batch_id = ? ORDER BY custom_id",
            batch));
  }

  @Test
  void aBatchMayBeLargerThanTheOneMebibyteOfOtherRequests() {
    String prompt = "a lighthouse at dusk, ".repeat(90); // about 2,000 characters
    String body =
        BatchBodies.json(
            "{}", 1100, i -> BatchBodies.job(i, "\"negative_prompt\": \"" + prompt + "\""));
    assertTrue(body.length() > 2 * 1024 * 1024);
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/v1/batches")
        .then()
        .statusCode(202)
        .body("request_counts.total", equalTo(1100));
  }

  @Test
  void aChunkedJobBodyIsStillCutOffAtOneMebibyte() throws Exception {
    byte[] body =
        ("{\"prompt\": \"" + "a".repeat(2 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/v1/jobs"))
            .header("Authorization", "Bearer " + GatewayServices.key)
            .header("Content-Type", "application/json")
            // No length given: the body goes chunked, past the check of Content-Length.
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();
    HttpResponse<String> response =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(413, response.statusCode());
  }
}
