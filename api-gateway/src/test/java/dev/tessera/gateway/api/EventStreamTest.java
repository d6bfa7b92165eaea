package dev.tessera.gateway.api;

import static dev.tessera.gateway.Api.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.JobEvent;
import dev.tessera.common.Json;
import dev.tessera.common.Topics;
import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.deploy.stack.ServiceStack;
import dev.tessera.gateway.EventStreamClient;
import dev.tessera.gateway.EventStreamClient.Event;
import dev.tessera.gateway.GatewayServices;
import dev.tessera.gateway.Sql;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/jobs/{id}/events} and {@code GET /v1/batches/{id}/events}: the events a job's
 * moves make (moved by SQL, as the scheduler moves them), progress from render.events, resuming
 * with {@code Last-Event-ID}, and the end of the stream.
 */
@QuarkusTest
@QuarkusTestResource(GatewayServices.class)
@NeedsStack
class EventStreamTest {
  private static final Duration WITHIN = Duration.ofSeconds(10);

  @GatewayServices.Services ServiceStack services;

  @Inject DataSource dataSource;

  private Sql sql;

  @BeforeEach
  void setUp() {
    sql = new Sql(dataSource);
  }

  @Test
  void aJobsStreamSaysItsStateThenEachChangeThenItsEndAndEnds() throws Exception {
    UUID id = submit();
    try (EventStreamClient stream = open("/v1/jobs/" + id + "/events", null)) {
      assertEquals(200, stream.status());
      assertTrue(stream.header("Content-Type").orElseThrow().startsWith("text/event-stream"));
      Event queued = stream.next(WITHIN);
      assertEquals("state", queued.name());
      assertEquals("0.0", queued.id());
      assertEquals("QUEUED", data(queued).getString("state"));
      assertEquals(id.toString(), data(queued).getString("job_id"));

      start(id);
      Event running = stream.next(WITHIN);
      assertEquals("state", running.name());
      assertEquals("RUNNING", data(running).getString("state"));
      assertEquals(1, data(running).getInt("attempts"));

      sql.update("UPDATE jobs SET progress_step = 7, progress_total = 25 WHERE id = ?", id);
      Event progress = stream.next(WITHIN);
      assertEquals("progress", progress.name());
      assertEquals("1.7", progress.id());
      assertEquals(7, data(progress).getInt("progress.step"));
      assertEquals(25, data(progress).getInt("progress.total"));

      sql.update(
          "UPDATE jobs SET state = 'SUCCEEDED', object_key = ?, finished_at = now(),"
              + " version = version + 1 WHERE id = ?",
          "results/" + id + ".png",
          id);
      Event succeededState = stream.next(WITHIN);
      assertEquals("state", succeededState.name());
      assertEquals("SUCCEEDED", data(succeededState).getString("state"));
      Event succeeded = stream.next(WITHIN);
      assertEquals("succeeded", succeeded.name());
      assertTrue(
          data(succeeded).getString("result_url").contains("/results/" + id + ".png?"),
          succeeded.data());
      stream.assertEnds(WITHIN);
    }
  }

  @Test
  void failedAndCancelledJobsEndTheirStreams() throws Exception {
    UUID failing = submit();
    UUID cancelled = submit();
    try (EventStreamClient a = open("/v1/jobs/" + failing + "/events", null);
        EventStreamClient b = open("/v1/jobs/" + cancelled + "/events", null)) {
      a.next(WITHIN);
      b.next(WITHIN);
      sql.update(
          "UPDATE jobs SET state = 'FAILED', error = 'unknown model bundle', finished_at = now(),"
              + " version = version + 1 WHERE id = ?",
          failing);
      given().post("/v1/jobs/" + cancelled + "/cancel").then().statusCode(202);
      sql.update(
          "UPDATE jobs SET state = 'CANCELED', finished_at = now(), version = version + 1"
              + " WHERE id = ?",
          cancelled);
      assertEquals("state", a.next(WITHIN).name());
      Event failed = a.next(WITHIN);
      assertEquals("failed", failed.name());
      assertEquals("unknown model bundle", data(failed).getString("error"));
      a.assertEnds(WITHIN);
      assertEquals("state", b.next(WITHIN).name());
      Event end = b.next(WITHIN);
      assertEquals("cancelled", end.name());
      assertEquals("CANCELED", data(end).getString("state"));
      b.assertEnds(WITHIN);
    }
  }

  @Test
  void resumingSkipsWhatTheClientSawAndSendsWhatMoved() throws Exception {
    UUID id = submit();
    String seen;
    try (EventStreamClient stream = open("/v1/jobs/" + id + "/events", null)) {
      seen = stream.next(WITHIN).id();
    }
    // Nothing moved: nothing to send on resuming, until something does.
    try (EventStreamClient stream = open("/v1/jobs/" + id + "/events", seen)) {
      stream.assertQuiet(Duration.ofSeconds(1));
      start(id);
      Event running = stream.next(WITHIN);
      assertEquals("RUNNING", data(running).getString("state"));
      seen = running.id();
    }
    // Moved while away: the state as it is now.
    sql.update(
        "UPDATE jobs SET state = 'QUEUED', error = 'worker lost', version = version + 1"
            + " WHERE id = ?",
        id);
    try (EventStreamClient stream = open("/v1/jobs/" + id + "/events", seen)) {
      Event requeued = stream.next(WITHIN);
      assertEquals("state", requeued.name());
      assertEquals("QUEUED", data(requeued).getString("state"));
      seen = requeued.id();
    }
    // Ended while away: the state and the end; having seen the end: nothing, and the stream ends.
    sql.update(
        "UPDATE jobs SET state = 'CANCELED', finished_at = now(), version = version + 1"
            + " WHERE id = ?",
        id);
    String end;
    try (EventStreamClient stream = open("/v1/jobs/" + id + "/events", seen)) {
      assertEquals("state", stream.next(WITHIN).name());
      Event cancelled = stream.next(WITHIN);
      assertEquals("cancelled", cancelled.name());
      end = cancelled.id();
      stream.assertEnds(WITHIN);
    }
    try (EventStreamClient stream = open("/v1/jobs/" + id + "/events", end)) {
      stream.assertEnds(WITHIN);
    }
    // A client that saw the final state but not the end event gets the end alone.
    String finalState = end.substring(0, end.length() - ".end".length());
    try (EventStreamClient stream = open("/v1/jobs/" + id + "/events", finalState)) {
      assertEquals("cancelled", stream.next(WITHIN).name());
      stream.assertEnds(WITHIN);
    }
  }

  @Test
  void workersProgressArrivesFromRenderEvents() throws Exception {
    // As a worker creates it.
    KafkaAdmin.createTopics(services.kafka().bootstrapServers(), List.of(Topics.EVENTS), 4);
    UUID id = submit();
    start(id);
    try (EventStreamClient stream = open("/v1/jobs/" + id + "/events", null);
        KafkaProducer<String, byte[]> producer = producer()) {
      assertEquals("RUNNING", data(stream.next(WITHIN)).getString("state"));
      // The gateway's consumer starts at the newest record once it has its partitions: report
      // until a report arrives. The row never holds this progress, so it can only come from Kafka.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      Event progress = null;
      for (int step = 1; progress == null && System.nanoTime() < deadline; step++) {
        producer
            .send(
                new ProducerRecord<>(
                    Topics.EVENTS,
                    id.toString(),
                    Json.encode(
                        new JobEvent.Progress(
                            id, "gpu-0", 1, Math.min(step, 25), 25, Instant.now()))))
            .get();
        try {
          progress = stream.next(Duration.ofMillis(700));
        } catch (AssertionError notYet) {
          // not assigned yet
        }
      }
      assertTrue(progress != null, "no progress from render.events within 60 s");
      assertEquals("progress", progress.name());
      assertEquals(25, data(progress).getInt("progress.total"));
      // A report of another attempt is stale, and says nothing.
      producer
          .send(
              new ProducerRecord<>(
                  Topics.EVENTS,
                  id.toString(),
                  Json.encode(new JobEvent.Progress(id, "gpu-9", 2, 25, 25, Instant.now()))))
          .get();
      stream.assertQuiet(Duration.ofSeconds(2));
    }
  }

  @Test
  void theDatabaseFeedsStreamsWhileTheBrokerIsDown() throws Exception {
    UUID id = submit();
    try (EventStreamClient stream = open("/v1/jobs/" + id + "/events", null)) {
      stream.next(WITHIN);
      services.kafka().stop();
      try {
        start(id);
        assertEquals("RUNNING", data(stream.next(WITHIN)).getString("state"));
      } finally {
        services.kafka().restart();
      }
    }
  }

  @Test
  void aBatchsStreamFollowsItsJobsAndEndsWhenAllHaveEnded() throws Exception {
    UUID batch = submitBatch();
    UUID a = jobOf(batch, "a");
    UUID b = jobOf(batch, "b");
    try (EventStreamClient stream = open("/v1/batches/" + batch + "/events", null)) {
      Event first = stream.next(WITHIN);
      assertEquals("state", first.name());
      assertEquals("2.0.0.0.0.0", first.id());
      assertEquals("in_progress", data(first).getString("state"));
      assertEquals(2, data(first).getInt("request_counts.queued"));

      start(a);
      Event running = stream.next(WITHIN);
      assertEquals("state", running.name());
      assertEquals(1, data(running).getInt("request_counts.running"));

      sql.update("UPDATE jobs SET progress_step = 5, progress_total = 25 WHERE id = ?", a);
      Event progress = stream.next(WITHIN);
      assertEquals("progress", progress.name());
      assertEquals("a", data(progress).getString("custom_id"));
      assertEquals(5, data(progress).getInt("progress.step"));

      sql.update(
          "UPDATE jobs SET state = 'SUCCEEDED', finished_at = now(), version = version + 1"
              + " WHERE id = ?",
          a);
      Event succeeded = stream.next(WITHIN);
      assertEquals("succeeded", succeeded.name());
      assertEquals("a", data(succeeded).getString("custom_id"));
      assertTrue(data(succeeded).getString("result_url").contains("X-Amz-Signature="));
      assertEquals(1, data(stream.next(WITHIN)).getInt("request_counts.succeeded"));

      sql.update(
          "UPDATE jobs SET state = 'CANCELED', finished_at = now(), version = version + 1"
              + " WHERE id = ?",
          b);
      Event cancelled = stream.next(WITHIN);
      assertEquals("cancelled", cancelled.name());
      assertEquals("b", data(cancelled).getString("custom_id"));
      Event last = stream.next(WITHIN);
      assertEquals("state", last.name());
      assertEquals("cancelled", data(last).getString("state"));
      stream.assertEnds(WITHIN);

      // Resuming at the last state: nothing more, and the stream ends.
      try (EventStreamClient again = open("/v1/batches/" + batch + "/events", last.id())) {
        again.assertEnds(WITHIN);
      }
    }
  }

  @Test
  void streamsNeedAKeyAndShowNoOtherTenantsJobs() throws Exception {
    UUID id = submit();
    UUID batch = submitBatch();
    try (EventStreamClient stream =
        EventStreamClient.connect(
            url("/v1/jobs/" + id + "/events"), GatewayServices.otherKey, null)) {
      assertEquals(404, stream.status());
    }
    try (EventStreamClient stream =
        EventStreamClient.connect(
            url("/v1/batches/" + batch + "/events"), GatewayServices.otherKey, null)) {
      assertEquals(404, stream.status());
    }
    try (EventStreamClient stream =
        EventStreamClient.connect(url("/v1/jobs/" + id + "/events"), "tsk_unknown", null)) {
      assertEquals(401, stream.status());
    }
    try (EventStreamClient stream = open("/v1/jobs/" + UUID.randomUUID() + "/events", null)) {
      assertEquals(404, stream.status());
    }
  }

  private static EventStreamClient open(String path, String lastEventId) throws Exception {
    return EventStreamClient.connect(url(path), GatewayServices.key, lastEventId);
  }

  private static String url(String path) {
    return RestAssured.baseURI + ":" + RestAssured.port + path;
  }

  private static JsonPath data(Event event) {
    return JsonPath.from(event.data());
  }

  private KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, services.kafka().bootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static UUID submit() {
    return UUID.fromString(
        given()
            .contentType(ContentType.JSON)
            .body("{\"prompt\": \"a lighthouse at dusk\"}")
            .post("/v1/jobs")
            .then()
            .statusCode(202)
            .extract()
            .jsonPath()
            .getString("id"));
  }

  private static UUID submitBatch() {
    return UUID.fromString(
        given()
            .contentType(ContentType.JSON)
            .body(
                "{\"items\": [{\"custom_id\": \"a\", \"prompt\": \"a harbour\"},"
                    + " {\"custom_id\": \"b\", \"prompt\": \"a quay\"}]}")
            .post("/v1/batches")
            .then()
            .statusCode(202)
            .extract()
            .jsonPath()
            .getString("id"));
  }

  private UUID jobOf(UUID batch, String customId) throws Exception {
    return (UUID)
        sql.row("SELECT id FROM jobs WHERE batch_id = ? AND custom_id = ?", batch, customId)
            .get("id");
  }

  /** As the scheduler starts a job: a guarded, versioned move to RUNNING, attempt 1. */
  private void start(UUID id) throws Exception {
    assertEquals(
        1,
        sql.update(
            """
            UPDATE jobs SET state = 'RUNNING', attempt = 1, worker_id = 'gpu-0', started_at = now(),
                   version = version + 1 WHERE id = ? AND state = 'QUEUED'""",
            id));
  }
}
