package dev.tessera.gateway.quota;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.Api;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.api.Problem;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A tenant's limits: its queued jobs and its request rate, each answering 429 with Retry-After. */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class QuotaTest {
  @Inject TenantStore tenants;

  @Inject DataSource dataSource;

  private static String name(String base) {
    return base + "-" + Long.toString(System.nanoTime() % 100_000_000, 36);
  }

  @Test
  void aSubmissionPastMaxQueuedIsRefusedWholeCountingDispatchedJobsAsWaiting() throws Exception {
    String key = tenants.create(name("small"), 1, 2, 1000, false).key();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ids.add(
          Api.as(key)
              .contentType(ContentType.JSON)
              .body("{\"prompt\":\"fits " + i + "\"}")
              .post("/v1/jobs")
              .then()
              .statusCode(202)
              .extract()
              .jsonPath()
              .getString("id"));
    }
    Sql sql = new Sql(dataSource);
    // The scheduler sent one to its workers: it still waits.
    sql.update("UPDATE jobs SET state = 'DISPATCHED' WHERE id = ?", UUID.fromString(ids.get(0)));
    Api.as(key)
        .contentType(ContentType.JSON)
        .body("{\"prompt\":\"one too many\"}")
        .post("/v1/jobs")
        .then()
        .statusCode(429)
        .contentType(Problem.MEDIA_TYPE)
        .header("Retry-After", "30")
        .body("type", equalTo(RateLimitFilter.TOO_MANY_REQUESTS))
        .body(
            "detail",
            containsString("has 2 job(s) waiting (queued or dispatched) and may have at most 2"));

    // Once a worker started it, it waits no more.
    sql.update("UPDATE jobs SET state = 'RUNNING' WHERE id = ?", UUID.fromString(ids.get(0)));
    Api.as(key)
        .contentType(ContentType.JSON)
        .body("{\"prompt\":\"fits now\"}")
        .post("/v1/jobs")
        .then()
        .statusCode(202);
  }

  @Test
  void requestsPastTheRateAreRefusedWithRetryAfter() throws Exception {
    String key = tenants.create(name("slow"), 1, 100, 1, false).key();
    String path = "/v1/jobs/" + UUID.randomUUID();
    Api.as(key).get(path).then().statusCode(404);
    var refused = Api.as(key).get(path);
    refused
        .then()
        .statusCode(429)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", containsString("may make 1.0 requests a second"));
    assertTrue(Integer.parseInt(refused.header("Retry-After")) >= 1);
    Api.given().get(path).then().statusCode(404); // another tenant's bucket is its own
    Thread.sleep(1100);
    Api.as(key).get(path).then().statusCode(404);
  }
}
