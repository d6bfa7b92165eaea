package dev.tessera.gateway.workers;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.gateway.Api;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.api.Problem;
import dev.tessera.gateway.api.ProblemMappers;
import dev.tessera.gateway.auth.ApiKeyFilter;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/workers} on real PostgreSQL, its rows written as the scheduler writes them: what
 * each worker does now, LOST once past the lease (30 s), and for operators only.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class WorkersTest {
  @Inject DataSource dataSource;

  private Sql sql;

  @BeforeEach
  void setUp() throws Exception {
    sql = new Sql(dataSource);
    sql.update("DELETE FROM workers");
  }

  /** A worker's row, first seen an hour ago and last seen {@code lastSeen} ago. */
  private void worker(String id, String activity, UUID job, String lastSeen) throws Exception {
    sql.update(
        """
        INSERT INTO workers (id, models, activity, job_id, first_seen, last_seen)
        VALUES (?, ARRAY['miniature-sd2-v', 'miniature-sd2'], ?, ?, now() - interval '1 hour',
                now() - ?::interval)""",
        id,
        activity,
        job,
        lastSeen);
  }

  @Test
  void anOperatorSeesEveryWorkerByIdWithWhatItDoesNow() throws Exception {
    UUID rendering = UUID.randomUUID();
    UUID abandoned = UUID.randomUUID();
    worker("gpu-3", "BUSY", rendering, "5 seconds");
    worker("gpu-1", "IDLE", null, "1 second");
    worker("gpu-5", "BUSY", abandoned, "2 minutes");
    worker("gpu-2", "STOPPED", null, "3 hours");
    worker("gpu-4", "IDLE", null, "31 seconds");
    UUID finishing = UUID.randomUUID();
    worker("gpu-6", "DRAINING", finishing, "1 second");

    JsonPath answer =
        Api.as(GatewayServices.operatorKey)
            .get("/v1/workers")
            .then()
            .statusCode(200)
            .contentType(ContentType.JSON)
            .extract()
            .jsonPath();
    assertEquals(
        List.of("gpu-1", "gpu-2", "gpu-3", "gpu-4", "gpu-5", "gpu-6"), answer.getList("data.id"));
    assertEquals(
        List.of("IDLE", "STOPPED", "BUSY", "LOST", "LOST", "DRAINING"),
        answer.getList("data.state"),
        "lost past the lease unless it said it stopped");
    assertEquals(
        Arrays.asList(
            null, null, rendering.toString(), null, abandoned.toString(), finishing.toString()),
        answer.getList("data.current_job"));

    Map<String, Object> busy = answer.getMap("data[2]");
    assertEquals(List.of("miniature-sd2-v", "miniature-sd2"), busy.get("models"));
    Map<String, Object> row =
        sql.row("SELECT first_seen, last_seen FROM workers WHERE id = 'gpu-3'");
    assertEquals(
        ((java.sql.Timestamp) row.get("first_seen")).toInstant(),
        Instant.parse((String) busy.get("first_seen")));
    assertEquals(
        ((java.sql.Timestamp) row.get("last_seen")).toInstant(),
        Instant.parse((String) busy.get("last_seen")));
  }

  @Test
  void anEmptyRegistryIsAnEmptyList() {
    Api.as(GatewayServices.operatorKey)
        .get("/v1/workers")
        .then()
        .statusCode(200)
        .body("data", equalTo(List.of()));
  }

  @Test
  void aTenantThatIsNoOperatorIsRefused() throws Exception {
    worker("gpu-1", "IDLE", null, "1 second");
    Api.given()
        .get("/v1/workers")
        .then()
        .statusCode(403)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", equalTo(ProblemMappers.OPERATORS_ONLY))
        .body("status", equalTo(403))
        .body("detail", containsString("for operators only"))
        .body("detail", containsString("tenant test"));
  }

  @Test
  void noKeyIsUnauthorized() {
    RestAssured.given()
        .get("/v1/workers")
        .then()
        .statusCode(401)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", equalTo(ApiKeyFilter.UNAUTHORIZED));
  }
}
