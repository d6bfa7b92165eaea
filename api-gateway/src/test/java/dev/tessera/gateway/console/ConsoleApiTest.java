package dev.tessera.gateway.console;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.tenants.TenantStore;
import dev.tessera.deploy.stack.ServiceStack;
import dev.tessera.gateway.Api;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.api.Problem;
import dev.tessera.gateway.compat.FakeFarm;
import dev.tessera.gateway.compat.TestTenants;
import dev.tessera.teststack.NeedsStack;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The console's own endpoints on real PostgreSQL and S3: who is signed in, previews made from a
 * job's PNG once and kept in the bucket, and the operator board read from rows written as the
 * scheduler writes them. The other tests share the database, so the board is judged on rows only
 * this test writes (its own tenant, model, worker, stage and failure reason).
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class ConsoleApiTest {
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(30);

  @GatewayServices.Services ServiceStack services;
  @Inject DataSource dataSource;
  @Inject TenantStore tenants;

  @Test
  void meNamesTheKeysTenantAndWhetherItIsAnOperator() {
    Api.given().get("/v1/me").then().statusCode(200).body("operator", equalTo(false));
    Api.as(GatewayServices.operatorKey)
        .get("/v1/me")
        .then()
        .statusCode(200)
        .body("tenant", equalTo("ops"))
        .body("operator", equalTo(true));
    RestAssured.given().get("/v1/me").then().statusCode(401).contentType(Problem.MEDIA_TYPE);
  }

  @Test
  void theConsoleIsServedAtTheRootWithAPolicyThatKeepsItsScriptsHome() {
    RestAssured.given()
        .get("/")
        .then()
        .statusCode(200)
        .contentType(containsString("text/html"))
        .header("Content-Security-Policy", containsString("script-src 'self';"))
        .header("Content-Security-Policy", containsString("connect-src 'self';"))
        .header("X-Content-Type-Options", equalTo("nosniff"))
        .body(containsString("<script type=\"module\" src=\"/console/console.js\">"));
    RestAssured.given()
        .get("/console/console.js")
        .then()
        .statusCode(200)
        .contentType(containsString("javascript"))
        .header("Content-Security-Policy", containsString("default-src 'none'"))
        .body(containsString("sessionStorage"));
  }

  @Test
  void aPreviewIsMadeOnceFromTheJobsPngAndKeptBesideIt() throws Exception {
    TenantStore.Created tenant = TestTenants.create(tenants, "console", 100);
    String square;
    String wide;
    String held;
    try (FakeFarm farm =
        new FakeFarm(dataSource, services, GatewayServices.BUCKET, tenant.tenant().id())) {
      square = submit(tenant.key(), "{\"prompt\":\"a square\",\"upscale\":\"none\"}");
      wide = submit(tenant.key(), "{\"prompt\":\"a wide one\",\"upscale\":\"none\",\"width\":768}");
      held = submit(tenant.key(), "{\"prompt\":\"" + FakeFarm.HOLD + "\",\"upscale\":\"none\"}");
      awaitState(tenant.key(), square, "SUCCEEDED");
      awaitState(tenant.key(), wide, "SUCCEEDED");
      awaitState(tenant.key(), held, "RUNNING");
    }

    byte[] first = thumbnail(tenant.key(), square, 200);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(first));
    assertEquals(256, image.getWidth());
    assertEquals(256, image.getHeight());
    BufferedImage wideImage =
        ImageIO.read(new ByteArrayInputStream(thumbnail(tenant.key(), wide, 200)));
    assertEquals(256, wideImage.getWidth());
    assertEquals(171, wideImage.getHeight(), "768×512 keeps its aspect");

    // Kept in the bucket: served again once the PNG it was made from is gone.
    MinioClient s3 =
        MinioClient.builder()
            .endpoint(services.s3().endpoint())
            .credentials(services.s3().accessKey(), services.s3().secretKey())
            .build();
    String kept = "derived/" + square + "/thumb-256.jpeg";
    assertEquals(
        first.length,
        s3.statObject(StatObjectArgs.builder().bucket(GatewayServices.BUCKET).object(kept).build())
            .size());
    s3.removeObject(
        RemoveObjectArgs.builder()
            .bucket(GatewayServices.BUCKET)
            .object("results/" + square + ".png")
            .build());
    assertArrayEquals(first, thumbnail(tenant.key(), square, 200));

    Api.as(tenant.key())
        .get("/v1/jobs/" + held + "/thumbnail")
        .then()
        .statusCode(409)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", containsString("RUNNING"));
    Api.given()
        .get("/v1/jobs/" + square + "/thumbnail")
        .then()
        .statusCode(404)
        .contentType(Problem.MEDIA_TYPE);
    Api.as(tenant.key()).get("/v1/jobs/" + UUID.randomUUID() + "/thumbnail").then().statusCode(404);
    Api.as(tenant.key()).get("/v1/jobs/not-a-uuid/thumbnail").then().statusCode(400);
  }

  @Test
  void theBoardIsForOperatorsOnly() {
    Api.given()
        .get("/v1/board")
        .then()
        .statusCode(403)
        .contentType(Problem.MEDIA_TYPE)
        .body("type", equalTo("urn:tessera:problem:operators-only"));
  }

  @Test
  void theBoardShowsBacklogWorkersFailuresStageTimesAndUsage() throws Exception {
    TenantStore.Created tenant = TestTenants.create(tenants, "board", 100);
    UUID tenantId = tenant.tenant().id();
    String model = "board-" + UUID.randomUUID().toString().substring(0, 8);
    String reason = "board test failure " + UUID.randomUUID();
    Sql sql = new Sql(dataSource);
    job(sql, tenantId, model, "QUEUED", null, null);
    job(sql, tenantId, model, "QUEUED", null, null);
    job(sql, tenantId, model, "DISPATCHED", null, null);
    UUID running = job(sql, tenantId, model, "RUNNING", "1 minute", null);
    sql.update("UPDATE jobs SET progress_step = 7, progress_total = 20 WHERE id = ?", running);
    job(sql, tenantId, model, "FAILED", "2 minutes", reason);
    job(sql, tenantId, model, "FAILED", "3 minutes", reason);
    job(sql, tenantId, model, "CANCELED", "2 minutes", null);
    String stage = "board_stage_" + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 1; i <= 10; i++) {
      UUID done = job(sql, tenantId, model, "SUCCEEDED", "5 minutes", null);
      sql.update(
          "INSERT INTO job_timings (job_id, position, stage, millis) VALUES (?, 0, ?, ?)",
          done,
          stage,
          i * 100.0);
    }
    // A job from a day and a half ago counts nowhere.
    UUID old = job(sql, tenantId, model, "SUCCEEDED", "36 hours", null);
    sql.update(
        "INSERT INTO job_timings (job_id, position, stage, millis) VALUES (?, 0, ?, 99999)",
        old,
        stage);
    String worker = "board-gpu-" + UUID.randomUUID().toString().substring(0, 8);
    sql.update(
        """
        INSERT INTO workers (id, models, activity, job_id, first_seen, last_seen)
        VALUES (?, ARRAY[?], 'BUSY', ?, now() - interval '1 hour', now())""",
        worker,
        model,
        running);

    JsonPath board =
        Api.as(GatewayServices.operatorKey)
            .get("/v1/board")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();

    Map<String, Object> backlog =
        only(board.getList("backlog.findAll { it.model == '" + model + "' }"));
    assertEquals(Map.of("model", model, "queued", 2, "dispatched", 1, "running", 1), backlog);

    Map<String, Object> busy = only(board.getList("workers.findAll { it.id == '" + worker + "' }"));
    assertEquals("BUSY", busy.get("state"));
    assertEquals(running.toString(), busy.get("job_id"));
    assertEquals(tenant.tenant().name(), busy.get("job_tenant"));
    assertEquals(7, busy.get("step"));
    assertEquals(20, busy.get("total"));

    Map<String, Object> failure =
        only(board.getList("failures.findAll { it.error == '" + reason + "' }"));
    assertEquals(2, failure.get("jobs"));

    Map<String, Object> times =
        only(board.getList("stages.findAll { it.stage == '" + stage + "' }"));
    assertEquals(10, times.get("jobs"), "the old job is out of the hour");
    assertEquals(550.0, ((Number) times.get("p50")).doubleValue(), 1e-6);
    assertEquals(910.0, ((Number) times.get("p90")).doubleValue(), 1e-6);
    assertEquals(1000.0, ((Number) times.get("max")).doubleValue(), 1e-6);
    assertTrue(board.getList("stages.stage").contains("queue_wait"));

    Map<String, Object> usage =
        only(board.getList("tenants.findAll { it.tenant == '" + tenant.tenant().name() + "' }"));
    assertEquals(3, usage.get("waiting"));
    assertEquals(1, usage.get("running"));
    assertEquals(10, usage.get("succeeded"), "ended in the last 24 hours");
    assertEquals(2, usage.get("failed"));
    assertEquals(1, usage.get("canceled"));

    List<Map<String, Object>> minutes = board.getList("throughput");
    assertEquals(30, minutes.size());
    int ended = minutes.stream().mapToInt(m -> (Integer) m.get("succeeded")).sum();
    assertTrue(ended >= 10, "the ten jobs that succeeded five minutes ago: " + minutes);
    assertTrue(
        Instant.parse((String) minutes.get(29).get("minute"))
            .isAfter(Instant.parse((String) minutes.get(0).get("minute"))));
  }

  /**
   * A job row as the gateway and the scheduler leave it: created {@code ago} before now plus a
   * second, started then and, when ended, finished {@code ago} before now.
   */
  private static UUID job(
      Sql sql, UUID tenant, String model, String state, String ago, String error) throws Exception {
    UUID id = UUID.randomUUID();
    boolean started = ago != null;
    boolean ended = List.of("SUCCEEDED", "FAILED", "CANCELED").contains(state);
    sql.update(
        """
        INSERT INTO jobs (id, model, settings, upscale, target_size, state, tenant_id, error,
                          created_at, started_at, finished_at)
        VALUES (?, ?, '{}', 'none', 512, ?, ?, ?,
                now() - coalesce(?::interval, interval '0') - interval '2 seconds',
                CASE WHEN ? THEN now() - ?::interval - interval '1 second' END,
                CASE WHEN ? THEN now() - ?::interval END)""",
        id,
        model,
        state,
        tenant,
        error,
        ago,
        started,
        ago,
        ended,
        ago);
    return id;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> only(List<?> matches) {
    assertEquals(1, matches.size(), "one entry: " + matches);
    return (Map<String, Object>) matches.get(0);
  }

  private static String submit(String key, String body) {
    return Api.as(key)
        .contentType("application/json")
        .body(body)
        .post("/v1/jobs")
        .then()
        .statusCode(202)
        .extract()
        .path("id");
  }

  private static void awaitState(String key, String id, String state) throws InterruptedException {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    String now = null;
    while (System.nanoTime() < deadline) {
      now = Api.as(key).get("/v1/jobs/" + id).then().statusCode(200).extract().path("state");
      if (state.equals(now)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("job " + id + " is " + now + ", not " + state);
  }

  private static byte[] thumbnail(String key, String id, int status) {
    return Api.as(key)
        .get("/v1/jobs/" + id + "/thumbnail")
        .then()
        .statusCode(status)
        .contentType("image/jpeg")
        .extract()
        .asByteArray();
  }
}
