package dev.tessera.gateway.api;

import static dev.tessera.gateway.Api.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.Json;
import dev.tessera.common.RenderSettings;
import dev.tessera.common.Sampler;
import dev.tessera.common.Topics;
import dev.tessera.deploy.stack.ServiceStack;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.QueueListener;
import dev.tessera.gateway.Sql;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Submitting a job: the answer, its row, queued, and the signal that tells the scheduler in the
 * same transaction; no outbox row, since the scheduler dispatches jobs itself.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class SubmitJobTest {
  @GatewayServices.Services ServiceStack services;

  @Inject DataSource dataSource;

  private Sql sql;

  @BeforeEach
  void setUp() {
    sql = new Sql(dataSource);
  }

  @Test
  void storesTheJobQueuedAndSignalsTheScheduler() throws Exception {
    Response response;
    try (QueueListener signals = new QueueListener(dataSource)) {
      response =
          given()
              .contentType(ContentType.JSON)
              .body(
                  "{\"prompt\": \"a lighthouse at dusk\", \"seed\": 42, \"steps\": 30, \"scheduler\": \"dpmpp-2m\","
                      + " \"karras\": true, \"width\": 768, \"height\": 512}")
              .post("/v1/jobs");
      assertEquals(List.of(GatewayServices.MODEL), signals.await(1, Duration.ofSeconds(5)));
    }
    response
        .then()
        .statusCode(202)
        .contentType(ContentType.JSON)
        .header("Location", matchesPattern("/v1/jobs/[0-9a-f-]{36}"))
        .body("state", equalTo("QUEUED"))
        .body("priority", equalTo(50))
        .body("attempts", equalTo(0))
        .body("progress", equalTo(null))
        .body("result_url", equalTo(null))
        .body("request.seed", equalTo(42))
        .body("request.steps", equalTo(30))
        .body("request.guidance", equalTo(7.5f))
        .body("request.negative_prompt", equalTo(""))
        .body("request.model", equalTo(GatewayServices.MODEL))
        .body("request.upscale", equalTo("x4"))
        .body("request.priority", equalTo(50));
    UUID id = UUID.fromString(response.jsonPath().getString("id"));
    assertEquals("/v1/jobs/" + id, response.header("Location"));
    Instant createdAt = Instant.parse(response.jsonPath().getString("created_at"));

    Map<String, Object> job = sql.row("SELECT * FROM jobs WHERE id = ?", id);
    assertEquals("QUEUED", job.get("state"));
    assertEquals(0L, job.get("version"));
    assertEquals(0, job.get("attempt"));
    assertEquals(50, job.get("priority"));
    assertEquals(GatewayServices.MODEL, job.get("model"));
    assertEquals(2048, job.get("target_size"));
    assertEquals(createdAt, ((Timestamp) job.get("created_at")).toInstant());
    RenderSettings settings =
        Json.decode(
            job.get("settings").toString().getBytes(StandardCharsets.UTF_8), RenderSettings.class);
    assertEquals(Sampler.DPMPP_2M.wireName(), settings.scheduler());
    assertTrue(settings.karras());
    assertEquals(768, settings.width());

    assertEquals(0, sql.count("SELECT count(*) FROM outbox WHERE key = ?", id.toString()));
  }

  @Test
  void getShowsTheJobAsSubmitted() {
    JsonPath submitted = submit("{\"prompt\": \"a red fox\", \"priority\": 80}").jsonPath();
    JsonPath fetched =
        given()
            .get("/v1/jobs/" + submitted.getString("id"))
            .then()
            .statusCode(200)
            .contentType(ContentType.JSON)
            .extract()
            .jsonPath();
    assertEquals(submitted.getMap(""), fetched.getMap(""));
    assertEquals(80, fetched.getInt("priority"));
  }

  @Test
  void fillsDefaultsAndDrawsARandomSeedWhenNoneIsGiven() {
    JsonPath first = submit("{\"prompt\": \"a red fox\"}").jsonPath();
    JsonPath second = submit("{\"prompt\": \"a red fox\"}").jsonPath();
    assertEquals(25, first.getInt("request.steps"));
    assertEquals("euler", first.getString("request.scheduler"));
    assertEquals(512, first.getInt("request.width"));
    assertEquals(512, first.getInt("request.height"));
    assertEquals(false, first.getBoolean("request.karras"));
    assertEquals(50, first.getInt("priority"));
    assertNotNull(first.get("request.seed"));
    assertNotEquals(first.getLong("request.seed"), second.getLong("request.seed"));
  }

  @Test
  void storesThePriorityAsked() throws Exception {
    for (int priority : new int[] {0, 100}) {
      JsonPath job =
          submit("{\"prompt\": \"a red fox\", \"priority\": " + priority + "}").jsonPath();
      assertEquals(priority, job.getInt("priority"));
      assertEquals(priority, job.getInt("request.priority"));
      assertEquals(
          priority,
          sql.row("SELECT priority FROM jobs WHERE id = ?", UUID.fromString(job.getString("id")))
              .get("priority"));
    }
  }

  @Test
  void aJobForAnotherModelSignalsThatModel() throws Exception {
    UUID id;
    try (QueueListener signals = new QueueListener(dataSource)) {
      id =
          UUID.fromString(
              submit(
                      "{\"prompt\": \"a red fox\", \"model\": \""
                          + GatewayServices.OTHER_MODEL
                          + "\", \"upscale\": \"none\", \"width\": 640}")
                  .jsonPath()
                  .getString("id"));
      assertEquals(List.of(GatewayServices.OTHER_MODEL), signals.await(1, Duration.ofSeconds(5)));
    }
    Map<String, Object> job = sql.row("SELECT model, target_size FROM jobs WHERE id = ?", id);
    assertEquals(GatewayServices.OTHER_MODEL, job.get("model"));
    assertEquals(640, job.get("target_size"));
  }

  @Test
  void theRelayCreatedTheControlTopic() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers()))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!admin.listTopics().names().get().contains(Topics.CONTROL)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(Topics.CONTROL + " not created within 30 s");
        }
        Thread.sleep(200);
      }
    }
  }

  @Test
  void aFailedTransactionLeavesNoJobRowAndSignalsNothing() throws Exception {
    long jobsBefore = sql.count("SELECT count(*) FROM jobs");
    // Make PostgreSQL refuse this one request's job, after its row was inserted.
    sql.update(
        """
        CREATE FUNCTION refuse_marked_job() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.settings->>'prompt' = 'insert-must-fail' THEN
            RAISE EXCEPTION 'job refused for the test';
          END IF;
          RETURN NEW;
        END $$""");
    sql.update(
        "CREATE TRIGGER refuse_marked_job AFTER INSERT ON jobs FOR EACH ROW "
            + "EXECUTE FUNCTION refuse_marked_job()");
    try (QueueListener signals = new QueueListener(dataSource)) {
      given()
          .contentType(ContentType.JSON)
          .body("{\"prompt\": \"insert-must-fail\"}")
          .post("/v1/jobs")
          .then()
          .statusCode(500)
          .contentType(Problem.MEDIA_TYPE)
          .body("detail", equalTo("the gateway could not handle this request; it has logged why"));
      assertEquals(List.of(), signals.during(Duration.ofMillis(500)));
    } finally {
      sql.update("DROP TRIGGER refuse_marked_job ON jobs");
      sql.update("DROP FUNCTION refuse_marked_job()");
    }
    assertEquals(jobsBefore, sql.count("SELECT count(*) FROM jobs"));
    assertEquals(
        0, sql.count("SELECT count(*) FROM jobs WHERE settings->>'prompt' = 'insert-must-fail'"));
  }

  private static Response submit(String body) {
    Response response = given().contentType(ContentType.JSON).body(body).post("/v1/jobs");
    response.then().statusCode(202);
    return response;
  }
}
