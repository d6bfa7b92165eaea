package dev.tessera.gateway.api;

import static dev.tessera.gateway.Api.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.Json;
import dev.tessera.common.RenderJob;
import dev.tessera.common.Sampler;
import dev.tessera.common.Topics;
import dev.tessera.deploy.stack.ServiceStack;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TopicReader;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Submitting a job: the answer, both rows of its transaction, and the relay carrying it to the
 * model's queue.
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
  void storesTheJobAndItsOutboxRowThenTheRelayPublishesIt() throws Exception {
    Response response =
        given()
            .contentType(ContentType.JSON)
            .body(
                "{\"prompt\": \"a lighthouse at dusk\", \"seed\": 42, \"steps\": 30, \"scheduler\": \"dpmpp-2m\","
                    + " \"karras\": true, \"width\": 768, \"height\": 512}")
            .post("/v1/jobs");
    response
        .then()
        .statusCode(202)
        .contentType(ContentType.JSON)
        .header("Location", matchesPattern("/v1/jobs/[0-9a-f-]{36}"))
        .body("state", equalTo("QUEUED"))
        .body("attempts", equalTo(0))
        .body("progress", equalTo(null))
        .body("result_url", equalTo(null))
        .body("request.seed", equalTo(42))
        .body("request.steps", equalTo(30))
        .body("request.guidance", equalTo(7.5f))
        .body("request.negative_prompt", equalTo(""))
        .body("request.model", equalTo(GatewayServices.MODEL))
        .body("request.upscale", equalTo("x4"));
    UUID id = UUID.fromString(response.jsonPath().getString("id"));
    assertEquals("/v1/jobs/" + id, response.header("Location"));
    Instant createdAt = Instant.parse(response.jsonPath().getString("created_at"));

    Map<String, Object> job = sql.row("SELECT * FROM jobs WHERE id = ?", id);
    assertEquals("QUEUED", job.get("state"));
    assertEquals(0L, job.get("version"));
    assertEquals(0, job.get("attempt"));
    assertEquals(GatewayServices.MODEL, job.get("model"));
    assertEquals(2048, job.get("target_size"));
    assertEquals(createdAt, ((Timestamp) job.get("created_at")).toInstant());

    Map<String, Object> outbox = sql.row("SELECT * FROM outbox WHERE key = ?", id.toString());
    assertEquals(Topics.jobs(GatewayServices.MODEL), outbox.get("topic"));
    RenderJob message = Json.decode((byte[]) outbox.get("payload"), RenderJob.class);
    assertEquals(id, message.jobId());
    assertEquals(createdAt, message.submittedAt());
    assertEquals(Sampler.DPMPP_2M.wireName(), message.settings().scheduler());
    assertTrue(message.settings().karras());
    assertEquals(768, message.settings().width());

    // The idle poll is 10 s in these tests: publishing within 5 s shows the submission woke the
    // relay.
    awaitSent(id, Duration.ofSeconds(5));
    List<ConsumerRecord<String, byte[]>> records =
        recordsOf(Topics.jobs(GatewayServices.MODEL), id);
    assertEquals(1, records.size());
    assertEquals(message, Json.decode(records.get(0).value(), RenderJob.class));
  }

  @Test
  void getShowsTheJobAsSubmitted() {
    JsonPath submitted = submit("{\"prompt\": \"a red fox\"}").jsonPath();
    JsonPath fetched =
        given()
            .get("/v1/jobs/" + submitted.getString("id"))
            .then()
            .statusCode(200)
            .contentType(ContentType.JSON)
            .extract()
            .jsonPath();
    assertEquals(submitted.getMap(""), fetched.getMap(""));
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
    assertNotNull(first.get("request.seed"));
    assertNotEquals(first.getLong("request.seed"), second.getLong("request.seed"));
  }

  @Test
  void aJobForAnotherModelGoesToThatModelsQueue() throws Exception {
    UUID id =
        UUID.fromString(
            submit(
                    "{\"prompt\": \"a red fox\", \"model\": \""
                        + GatewayServices.OTHER_MODEL
                        + "\", \"upscale\": \"none\", \"width\": 640}")
                .jsonPath()
                .getString("id"));
    assertEquals(
        Topics.jobs(GatewayServices.OTHER_MODEL),
        sql.row("SELECT topic FROM outbox WHERE key = ?", id.toString()).get("topic"));
    assertEquals(640, sql.row("SELECT target_size FROM jobs WHERE id = ?", id).get("target_size"));
    awaitSent(id, Duration.ofSeconds(5));
    assertEquals(1, recordsOf(Topics.jobs(GatewayServices.OTHER_MODEL), id).size());
  }

  @Test
  void theRelayCreatedAQueueForEveryConfiguredModel() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers()))) {
      assertTrue(
          admin
              .listTopics()
              .names()
              .get()
              .containsAll(
                  List.of(
                      Topics.jobs(GatewayServices.MODEL),
                      Topics.jobs(GatewayServices.OTHER_MODEL))));
    }
  }

  @Test
  void aFailedOutboxInsertLeavesNoJobRow() throws Exception {
    long jobsBefore = sql.count("SELECT count(*) FROM jobs");
    // Make PostgreSQL refuse the outbox row of this one request, after its jobs row was inserted.
    sql.update(
        """
        CREATE FUNCTION refuse_marked_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF convert_from(NEW.payload, 'UTF8') LIKE '%outbox-must-fail%' THEN
            RAISE EXCEPTION 'outbox refused for the test';
          END IF;
          RETURN NEW;
        END $$""");
    sql.update(
        "CREATE TRIGGER refuse_marked_outbox BEFORE INSERT ON outbox FOR EACH ROW "
            + "EXECUTE FUNCTION refuse_marked_outbox()");
    try {
      given()
          .contentType(ContentType.JSON)
          .body("{\"prompt\": \"outbox-must-fail\"}")
          .post("/v1/jobs")
          .then()
          .statusCode(500)
          .contentType(Problem.MEDIA_TYPE)
          .body("detail", equalTo("the gateway could not handle this request; it has logged why"));
    } finally {
      sql.update("DROP TRIGGER refuse_marked_outbox ON outbox");
      sql.update("DROP FUNCTION refuse_marked_outbox()");
    }
    assertEquals(jobsBefore, sql.count("SELECT count(*) FROM jobs"));
    assertEquals(
        0, sql.count("SELECT count(*) FROM jobs WHERE settings->>'prompt' = 'outbox-must-fail'"));
  }

  private static Response submit(String body) {
    Response response = given().contentType(ContentType.JSON).body(body).post("/v1/jobs");
    response.then().statusCode(202);
    return response;
  }

  private void awaitSent(UUID id, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (sql.row("SELECT sent_at FROM outbox WHERE key = ?", id.toString()).get("sent_at")
        == null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("outbox row of job " + id + " not sent within " + within);
      }
      Thread.sleep(100);
    }
  }

  private List<ConsumerRecord<String, byte[]>> recordsOf(String topic, UUID id) {
    return TopicReader.readAll(services.kafka().bootstrapServers(), topic).stream()
        .filter(r -> id.toString().equals(r.key()))
        .toList();
  }
}
