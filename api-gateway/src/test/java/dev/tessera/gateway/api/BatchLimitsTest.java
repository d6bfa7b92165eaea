package dev.tessera.gateway.api;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.Api;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.idempotency.Idempotency;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Batches under a tenant's limits: its idempotency keys, its max-queued, and cancelling a whole
 * batch.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class BatchLimitsTest {
  @Inject DataSource dataSource;
  @Inject TenantStore tenants;

  private static String batch(String tag, int jobs) {
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < jobs; i++) {
      items
          .append(i == 0 ? "" : ",")
          .append("{\"custom_id\":\"")
          .append(tag)
          .append('-')
          .append(i)
          .append("\",\"prompt\":\"")
          .append(tag)
          .append("\"}");
    }
    return "{\"defaults\":{\"steps\":4},\"items\":[" + items + "]}";
  }

  private static Response post(String apiKey, String idempotencyKey, String body) {
    var request = Api.as(apiKey).contentType(ContentType.JSON).body(body);
    return (idempotencyKey == null ? request : request.header(Idempotency.HEADER, idempotencyKey))
        .post("/v1/batches");
  }

  private long jobs(String tag) throws Exception {
    return new Sql(dataSource)
        .count("SELECT count(*) FROM jobs WHERE settings->>'prompt' = ?", tag);
  }

  @Test
  void aRetriedBatchWithItsKeyCreatesNothingMore() throws Exception {
    String tag = "retried-" + UUID.randomUUID();
    String key = "\"" + UUID.randomUUID() + "\"";
    Response first = post(GatewayServices.key, key, batch(tag, 3));
    first.then().statusCode(202);
    post(GatewayServices.key, key, batch(tag, 3))
        .then()
        .statusCode(202)
        .header(Idempotency.REPLAYED, "true")
        .body("id", equalTo(first.jsonPath().getString("id")));
    assertEquals(3, jobs(tag));
    post(GatewayServices.key, key, batch(tag, 4)).then().statusCode(422);
    assertEquals(3, jobs(tag));
  }

  @Test
  void aBatchPastMaxQueuedIsRefusedWholeAndWritesNothing() throws Exception {
    String key =
        tenants.create("quota-" + System.nanoTime() % 100_000_000, 1, 5, 1000, false).key();
    String tag = "over-quota-" + UUID.randomUUID();
    post(key, null, batch(tag, 6))
        .then()
        .statusCode(429)
        .contentType(Problem.MEDIA_TYPE)
        .header("Retry-After", "30")
        .body("detail", containsString("may have at most 5; this request adds 6"));
    assertEquals(0, jobs(tag));
    post(key, null, batch(tag, 5)).then().statusCode(202);
    assertEquals(5, jobs(tag));
  }

  @Test
  void cancellingABatchAsksToCancelEachOfItsOpenJobs() throws Exception {
    String tag = "cancelled-" + UUID.randomUUID();
    String id = post(GatewayServices.key, null, batch(tag, 4)).jsonPath().getString("id");
    Sql sql = new Sql(dataSource);
    // One job already ended: it keeps its result and gets no cancel request.
    sql.update(
        "UPDATE jobs SET state = 'SUCCEEDED', version = version + 1 WHERE batch_id = ? AND custom_id = ?",
        UUID.fromString(id),
        tag + "-0");
    Api.as(GatewayServices.otherKey).post("/v1/batches/" + id + "/cancel").then().statusCode(404);
    Api.given()
        .post("/v1/batches/" + id + "/cancel")
        .then()
        .statusCode(202)
        .body("id", equalTo(id))
        .body("request_counts.total", equalTo(4));
    assertEquals(
        3,
        sql.count(
            "SELECT count(*) FROM job_cancellations c JOIN jobs j ON j.id = c.job_id WHERE j.batch_id = ?",
            UUID.fromString(id)));
    Api.given().post("/v1/batches/" + id + "/cancel").then().statusCode(202);
    assertEquals(
        3,
        sql.count(
            "SELECT count(*) FROM job_cancellations c JOIN jobs j ON j.id = c.job_id WHERE j.batch_id = ?",
            UUID.fromString(id)),
        "asking again asks nothing more");
  }
}
