package dev.tessera.gateway.api;

import static dev.tessera.gateway.Api.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.common.ControlMessage;
import dev.tessera.common.Json;
import dev.tessera.common.Topics;
import dev.tessera.deploy.stack.ServiceStack;
import dev.tessera.gateway.Api;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TopicReader;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/jobs/{id}/cancel}: the answers, the request and its outbox row written together,
 * and the relay carrying it to {@code render.control}. The job's state is the scheduler's to move;
 * where a test needs another state, it moves the row as the scheduler would.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class CancelJobTest {
  @GatewayServices.Services ServiceStack services;

  @Inject DataSource dataSource;

  private Sql sql;

  @BeforeEach
  void setUp() {
    sql = new Sql(dataSource);
  }

  @Test
  void aQueuedJobsCancelIsRecordedOnceAndRelayedToTheControlTopic() throws Exception {
    UUID id = submit();
    String requestedAt =
        cancel(id)
            .body("id", equalTo(id.toString()))
            .body("state", equalTo("QUEUED"))
            .body("cancel_requested_at", notNullValue())
            .extract()
            .jsonPath()
            .getString("cancel_requested_at");

    Map<String, Object> outbox =
        sql.row("SELECT * FROM outbox WHERE key = ? AND topic = ?", id.toString(), Topics.CONTROL);
    ControlMessage.Cancel message =
        (ControlMessage.Cancel) Json.decode((byte[]) outbox.get("payload"), ControlMessage.class);
    assertEquals(new ControlMessage.Cancel(id, Instant.parse(requestedAt)), message);
    awaitSent(id, Duration.ofSeconds(5)); // the idle poll is 10 s: the request woke the relay
    List<ConsumerRecord<String, byte[]>> records = controlRecordsOf(id);
    assertEquals(1, records.size());
    assertEquals(message, Json.decode(records.get(0).value(), ControlMessage.class));

    // Asked again: the same answer, and nothing more is written or sent.
    cancel(id).body("state", equalTo("QUEUED")).body("cancel_requested_at", equalTo(requestedAt));
    assertEquals(
        1,
        sql.count(
            "SELECT count(*) FROM outbox WHERE key = ? AND topic = ?",
            id.toString(),
            Topics.CONTROL));
    assertEquals(1, sql.count("SELECT count(*) FROM job_cancellations WHERE job_id = ?", id));
    given()
        .get("/v1/jobs/" + id)
        .then()
        .statusCode(200)
        .body("cancel_requested_at", equalTo(requestedAt));
  }

  @Test
  void aDispatchedOrRunningJobCanBeCancelled() throws Exception {
    for (String state : List.of("DISPATCHED", "RUNNING")) {
      UUID id = submit();
      move(id, "QUEUED", state);
      cancel(id).body("state", equalTo(state)).body("cancel_requested_at", notNullValue());
      assertEquals(1, controlRows(id));
    }
  }

  @Test
  void aJobTheSchedulerCancelledAnswersAsTheFirstTimeDid() throws Exception {
    UUID id = submit();
    cancel(id);
    move(id, "QUEUED", "CANCELED");
    cancel(id).body("state", equalTo("CANCELED")).body("cancel_requested_at", notNullValue());
    assertEquals(1, controlRows(id));
  }

  @Test
  void aJobThatSucceededOrFailedKeepsItsResultAndAnswers409() throws Exception {
    for (String ended : List.of("SUCCEEDED", "FAILED")) {
      UUID id = submit();
      move(id, "QUEUED", ended);
      given()
          .post("/v1/jobs/" + id + "/cancel")
          .then()
          .statusCode(409)
          .contentType(Problem.MEDIA_TYPE)
          .body("type", equalTo(ProblemMappers.JOB_ENDED))
          .body("status", equalTo(409))
          .body("detail", containsString("already " + ended));
      assertEquals(0, controlRows(id));
      assertEquals(0, sql.count("SELECT count(*) FROM job_cancellations WHERE job_id = ?", id));
      given().get("/v1/jobs/" + id).then().body("state", equalTo(ended));
    }
  }

  @Test
  void anotherTenantsJobIsNotFoundAndLeftAlone() throws Exception {
    UUID id = submit();
    Api.as(GatewayServices.otherKey)
        .post("/v1/jobs/" + id + "/cancel")
        .then()
        .statusCode(404)
        .contentType(Problem.MEDIA_TYPE)
        .body("detail", equalTo("no job with id " + id));
    assertEquals(0, controlRows(id));
    given().get("/v1/jobs/" + id).then().body("cancel_requested_at", nullValue());
  }

  @Test
  void unknownAndMalformedIds() {
    UUID unknown = UUID.randomUUID();
    given()
        .post("/v1/jobs/" + unknown + "/cancel")
        .then()
        .statusCode(404)
        .contentType(Problem.MEDIA_TYPE);
    given()
        .post("/v1/jobs/not-a-uuid/cancel")
        .then()
        .statusCode(400)
        .contentType(Problem.MEDIA_TYPE);
  }

  private static UUID submit() {
    return UUID.fromString(
        given()
            .contentType(ContentType.JSON)
            .body("{\"prompt\": \"a quiet harbour\"}")
            .post("/v1/jobs")
            .then()
            .statusCode(202)
            .extract()
            .jsonPath()
            .getString("id"));
  }

  private static ValidatableResponse cancel(UUID id) {
    return given()
        .post("/v1/jobs/" + id + "/cancel")
        .then()
        .statusCode(202)
        .contentType(ContentType.JSON)
        .header("Location", equalTo("/v1/jobs/" + id));
  }

  /** Moves the job's row as the scheduler would: guarded by its state, bumping its version. */
  private void move(UUID id, String from, String to) throws Exception {
    assertEquals(
        1,
        sql.update(
            "UPDATE jobs SET state = ?, version = version + 1 WHERE id = ? AND state = ?",
            to,
            id,
            from));
  }

  private long controlRows(UUID id) throws Exception {
    return sql.count(
        "SELECT count(*) FROM outbox WHERE key = ? AND topic = ?", id.toString(), Topics.CONTROL);
  }

  private void awaitSent(UUID id, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (sql.row(
                "SELECT sent_at FROM outbox WHERE key = ? AND topic = ?",
                id.toString(),
                Topics.CONTROL)
            .get("sent_at")
        == null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("cancel of job " + id + " not sent within " + within);
      }
      Thread.sleep(100);
    }
  }

  private List<ConsumerRecord<String, byte[]>> controlRecordsOf(UUID id) {
    return TopicReader.readAll(services.kafka().bootstrapServers(), Topics.CONTROL).stream()
        .filter(r -> id.toString().equals(r.key()))
        .toList();
  }
}
