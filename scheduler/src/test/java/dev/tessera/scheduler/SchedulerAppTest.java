package dev.tessera.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tessera.common.ControlMessage;
import dev.tessera.common.JobEvent;
import dev.tessera.common.JobState;
import dev.tessera.common.Json;
import dev.tessera.common.RenderJob;
import dev.tessera.common.RenderSettings;
import dev.tessera.common.StageTimings;
import dev.tessera.common.Topics;
import dev.tessera.common.WorkerHeartbeat;
import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.teststack.NeedsStack;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The whole scheduler app on real PostgreSQL and a real Kafka broker: migrations from the common
 * jar applied at start, events from {@code render.events} and cancel requests from {@code
 * render.control} (a topic the app creates) read by the group, applied, and their offsets
 * committed.
 */
@QuarkusTest
@NeedsStack
@WithTestResource(PostgresResource.class)
@WithTestResource(KafkaResource.class)
class SchedulerAppTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Inject DataSource dataSource;

  @io.quarkus.test.common.http.TestHTTPResource("/q/health/ready")
  java.net.URL ready;

  @Inject JobRepository jobs;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrapServers;

  @Test
  void appliesEventsFromKafkaAndCommitsTheirOffsets() throws Exception {
    UUID id = insertJob();
    Instant at = Instant.parse("2026-03-01T12:00:00Z");
    JobEvent started = new JobEvent.Started(id, "gpu-a", 1, at);
    List<JobEvent> events =
        List.of(
            started,
            new JobEvent.Progress(id, "gpu-a", 1, 10, 20, at.plusSeconds(2)),
            started, // redelivered
            new JobEvent.Succeeded(
                id,
                "gpu-a",
                1,
                "results/" + id + ".png",
                List.of(new StageTimings.Entry("denoise", 4000, "")),
                at.plusSeconds(6)));
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (JobEvent e : events) {
        send(producer, Topics.EVENTS, id, Json.encode(e));
      }
    }

    await("job SUCCEEDED", () -> jobs.find(id).orElseThrow().state() == JobState.SUCCEEDED);
    JobRow row = jobs.find(id).orElseThrow();
    assertEquals("results/" + id + ".png", row.fields().objectKey());
    assertEquals(10, row.fields().progressStep());
    assertEquals(2, row.version());
    await("offsets of all events committed", () -> allCommitted(Topics.EVENTS));
  }

  @Test
  void cancelRequestsFromTheControlTopicCancelQueuedJobsAndWorkersReportsRunningOnes()
      throws Exception {
    UUID queued = insertJob();
    UUID running = insertJob();
    Instant at = Instant.parse("2026-03-01T12:00:00Z");
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      send(
          producer, Topics.EVENTS, running, Json.encode(new JobEvent.Started(running, "w", 1, at)));
      await("job running", () -> jobs.find(running).orElseThrow().state() == JobState.RUNNING);
      for (UUID id : List.of(queued, running)) {
        send(producer, Topics.CONTROL, id, Json.encode(new ControlMessage.Cancel(id, at)));
      }
      await(
          "queued job CANCELED",
          () -> jobs.find(queued).orElseThrow().state() == JobState.CANCELED);
      assertEquals(
          JobState.RUNNING, jobs.find(running).orElseThrow().state(), "left to its worker");
      send(
          producer,
          Topics.EVENTS,
          running,
          Json.encode(new JobEvent.Canceled(running, "w", 1, at.plusSeconds(1))));
    }
    await(
        "running job CANCELED",
        () -> jobs.find(running).orElseThrow().state() == JobState.CANCELED);
    assertEquals(at, jobs.find(queued).orElseThrow().fields().finishedAt());
    await(
        "offsets of the requests committed",
        () -> allCommitted(Topics.CONTROL) && allCommitted(Topics.EVENTS));
  }

  @Test
  void aLiveWorkersHeartbeatOpensItsModelsQueueAndTheDispatchedJobRunsWhenStarted()
      throws Exception {
    String model = "app-model";
    UUID id = UUID.randomUUID();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO jobs (id, model, settings, upscale, target_size)"
                    + " VALUES (?, ?, ?::jsonb, 'none', 64)")) {
      s.setObject(1, id);
      s.setString(2, model);
      s.setString(
          3, new String(Json.encode(RenderSettings.of("a lighthouse")), StandardCharsets.UTF_8));
      s.executeUpdate();
    }
    Thread.sleep(1500);
    assertEquals(JobState.QUEUED, jobs.find(id).orElseThrow().state(), "no worker yet");

    WorkerHeartbeat idle =
        new WorkerHeartbeat(
            "app-w", List.of(model), WorkerHeartbeat.Activity.IDLE, null, Instant.now());
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.WORKERS, "app-w".getBytes(StandardCharsets.UTF_8), Json.encode(idle)))
          .get(30, TimeUnit.SECONDS);
      await("job DISPATCHED", () -> jobs.find(id).orElseThrow().state() == JobState.DISPATCHED);
      RenderJob record = firstRecord(Topics.jobs(model));
      assertEquals(id, record.jobId());
      assertEquals(1, record.attempt());
      assertEquals("a lighthouse", record.settings().prompt());

      send(
          producer,
          Topics.EVENTS,
          id,
          Json.encode(new JobEvent.Started(id, "app-w", 1, Instant.now())));
    }
    await("job RUNNING", () -> jobs.find(id).orElseThrow().state() == JobState.RUNNING);
  }

  @Test
  void theOnlySchedulerLeadsAndSaysSoInItsReadiness() throws Exception {
    await(
        "readiness showing the lead",
        () -> {
          try {
            var response =
                java.net.http.HttpClient.newHttpClient()
                    .send(
                        java.net.http.HttpRequest.newBuilder(ready.toURI())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                && response.body().replace(" ", "").contains("\"leading\":true");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private RenderJob firstRecord(String topic) {
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition p = new TopicPartition(topic, 0);
      c.assign(List.of(p));
      c.seekToBeginning(List.of(p));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        for (var r : c.poll(Duration.ofSeconds(1))) {
          return Json.decode(r.value(), RenderJob.class);
        }
      }
      throw new AssertionError("no record on " + topic);
    }
  }

  private UUID insertJob() throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO jobs (id, model, settings, upscale, target_size) VALUES (?, 'sd21', '{}', 'none', 512)")) {
      s.setObject(1, id);
      s.executeUpdate();
    }
    return id;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, UUID key, byte[] value)
      throws Exception {
    producer
        .send(new ProducerRecord<>(topic, key.toString().getBytes(StandardCharsets.UTF_8), value))
        .get(30, TimeUnit.SECONDS);
  }

  /** Whether the group has committed every record now in {@code topic}. */
  private boolean allCommitted(String topic) {
    try (Admin admin = KafkaAdmin.admin(bootstrapServers)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(EventsConsumer.GROUP)
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(10, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .forEach(
              p -> partitions.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      var ends = admin.listOffsets(partitions).all().get(10, TimeUnit.SECONDS);
      return ends.entrySet().stream()
          .allMatch(
              e ->
                  e.getValue().offset() == 0
                      || committed.containsKey(e.getKey())
                          && committed.get(e.getKey()).offset() == e.getValue().offset());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("no " + what + " within " + TIMEOUT);
      }
      Thread.sleep(100);
    }
  }
}
