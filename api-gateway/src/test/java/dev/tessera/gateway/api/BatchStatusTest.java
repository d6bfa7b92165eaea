package dev.tessera.gateway.api;

import static dev.tessera.gateway.Api.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.gateway.Api;
import dev.tessera.gateway.BatchBodies;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/batches/{id}} and its results as the batch's jobs move. The rows are moved the way
 * the scheduler moves them, directly in the database.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class BatchStatusTest {
  @Inject DataSource dataSource;

  private Sql sql;

  @BeforeEach
  void setUp() {
    sql = new Sql(dataSource);
  }

  /** Submits a batch of jobs with these custom ids (in this order), returns its id. */
  private static UUID submit(String... customIds) {
    String items =
        String.join(
            ",",
            Arrays.stream(customIds)
                .map(id -> "{\"custom_id\": \"" + id + "\", \"prompt\": \"a quiet harbour\"}")
                .toList());
    return UUID.fromString(
        given()
            .contentType(ContentType.JSON)
            .body("{\"items\": [" + items + "]}")
            .post("/v1/batches")
            .then()
            .statusCode(202)
            .extract()
            .jsonPath()
            .getString("id"));
  }

  private void move(UUID batch, String customId, String state, String extra) throws Exception {
    assertEquals(
        1,
        sql.update(
            "UPDATE jobs SET state = ?, version = version + 1"
                + extra
                + " WHERE batch_id = ? AND custom_id = ?",
            state,
            batch,
            customId));
  }

  private static ValidatableResponse get(UUID batch) {
    return given()
        .get("/v1/batches/" + batch)
        .then()
        .statusCode(200)
        .contentType(ContentType.JSON)
        .body("id", equalTo(batch.toString()));
  }

  private static Map<String, Integer> counts(ValidatableResponse response) {
    return response.extract().jsonPath().getMap("request_counts");
  }

  @Test
  void countsFollowTheJobsAndTheStateEndsCompleted() throws Exception {
    UUID batch = submit("a", "b", "c", "d", "e", "f");
    String createdAt =
        get(batch).body("state", equalTo("in_progress")).extract().path("created_at");
    assertTrue(createdAt.startsWith("20"), createdAt);

    move(batch, "a", "RUNNING", ", started_at = now()");
    move(batch, "b", "SUCCEEDED", ", finished_at = now()");
    move(batch, "c", "SUCCEEDED", ", finished_at = now()");
    move(batch, "d", "FAILED", ", error = 'out of memory'");
    move(batch, "f", "DISPATCHED", "");
    assertEquals(
        counts(1, 1, 1, 2, 1, 0, 6), counts(get(batch).body("state", equalTo("in_progress"))));

    move(batch, "a", "SUCCEEDED", "");
    move(batch, "e", "FAILED", "");
    assertEquals(
        counts(0, 1, 0, 3, 2, 0, 6),
        counts(get(batch).body("state", equalTo("in_progress"))),
        "a dispatched job has not ended");

    move(batch, "f", "SUCCEEDED", "");
    assertEquals(
        counts(0, 0, 0, 4, 2, 0, 6), counts(get(batch).body("state", equalTo("completed"))));
  }

  private static Map<String, Integer> counts(
      int queued, int dispatched, int running, int succeeded, int failed, int canceled, int total) {
    return Map.of(
        "queued",
        queued,
        "dispatched",
        dispatched,
        "running",
        running,
        "succeeded",
        succeeded,
        "failed",
        failed,
        "canceled",
        canceled,
        "total",
        total);
  }

  @Test
  void aBatchWhoseJobsEndedCanceledIsCancelled() throws Exception {
    UUID batch = submit("a", "b", "c");
    move(batch, "a", "SUCCEEDED", "");
    move(batch, "b", "CANCELED", "");
    get(batch).body("state", equalTo("in_progress"));
    move(batch, "c", "CANCELED", "");
    assertEquals(
        counts(0, 0, 0, 1, 0, 2, 3), counts(get(batch).body("state", equalTo("cancelled"))));
  }

  @Test
  void resultsStreamOneLinePerJobInCustomIdOrder() throws Exception {
    UUID batch = submit("zebra", "apple", "mango", "kiwi");
    move(batch, "apple", "SUCCEEDED", ", object_key = 'results/custom-key.png'");
    move(batch, "mango", "FAILED", ", error = 'unknown model bundle'");
    move(batch, "kiwi", "RUNNING", ", error = 'worker lost'");
    Map<String, UUID> ids = ids(batch);

    String body =
        given()
            .get("/v1/batches/" + batch + "/results")
            .then()
            .statusCode(200)
            .contentType(BatchBodies.JSONL)
            .extract()
            .asString();
    assertTrue(body.endsWith("\n"), body);
    List<JsonPath> lines = Arrays.stream(body.split("\n")).map(JsonPath::from).toList();
    assertEquals(
        List.of("apple", "kiwi", "mango", "zebra"),
        lines.stream().map(line -> line.getString("custom_id")).toList());

    JsonPath apple = lines.get(0);
    assertEquals(ids.get("apple").toString(), apple.getString("job_id"));
    assertEquals("SUCCEEDED", apple.getString("state"));
    assertTrue(
        apple
            .getString("result_url")
            .contains("/" + GatewayServices.BUCKET + "/results/custom-key.png?"),
        apple.getString("result_url"));
    assertTrue(apple.getString("result_url").contains("X-Amz-Signature="));
    assertNull(apple.get("error"));

    JsonPath kiwi = lines.get(1);
    assertEquals("RUNNING", kiwi.getString("state"));
    assertNull(kiwi.get("error"), "a running job's last failure is no result");
    assertNull(kiwi.get("result_url"));

    JsonPath mango = lines.get(2);
    assertEquals("FAILED", mango.getString("state"));
    assertEquals("unknown model bundle", mango.getString("error"));
    assertNull(mango.get("result_url"));

    JsonPath zebra = lines.get(3);
    assertEquals("QUEUED", zebra.getString("state"));
    assertEquals(
        Map.of("custom_id", "zebra", "job_id", ids.get("zebra").toString(), "state", "QUEUED"),
        withoutNulls(zebra.getMap("")));
  }

  private Map<String, UUID> ids(UUID batch) throws Exception {
    return sql.rows("SELECT custom_id, id FROM jobs WHERE batch_id = ?", batch).stream()
        .collect(
            java.util.stream.Collectors.toMap(
                row -> (String) row.get("custom_id"), row -> (UUID) row.get("id")));
  }

  private static Map<String, Object> withoutNulls(Map<String, Object> line) {
    Map<String, Object> copy = new java.util.HashMap<>(line);
    copy.values().removeIf(java.util.Objects::isNull);
    assertEquals(5, line.size(), "every line has all five fields: " + line);
    return copy;
  }

  @Test
  void anotherTenantsBatchAndItsResultsAreNotFound() {
    UUID batch = submit("mine");
    given().get("/v1/batches/" + batch).then().statusCode(200);
    Api.as(GatewayServices.otherKey)
        .get("/v1/batches/" + batch)
        .then()
        .statusCode(404)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", equalTo("no batch with id " + batch));
    Api.as(GatewayServices.otherKey)
        .get("/v1/batches/" + batch + "/results")
        .then()
        .statusCode(404)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", equalTo("no batch with id " + batch));
  }

  @Test
  void anUnknownBatchIs404AndAMalformedId400() {
    UUID unknown = UUID.randomUUID();
    given().get("/v1/batches/" + unknown).then().statusCode(404).contentType(Problem.MEDIA_TYPE);
    given()
        .get("/v1/batches/" + unknown + "/results")
        .then()
        .statusCode(404)
        .contentType(Problem.MEDIA_TYPE);
    given()
        .get("/v1/batches/1-2-3-4-5")
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", startsWith("a batch id is a UUID"));
  }

  @Test
  void aJobOfABatchShowsItsBatchAndCustomId() throws Exception {
    UUID batch = submit("only");
    UUID job = ids(batch).get("only");
    given()
        .get("/v1/jobs/" + job)
        .then()
        .statusCode(200)
        .body("batch_id", equalTo(batch.toString()))
        .body("custom_id", equalTo("only"));
  }
}
