package dev.tessera.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tessera.common.JobEvent;
import dev.tessera.common.JobState;
import dev.tessera.common.Json;
import dev.tessera.common.StageTimings;
import dev.tessera.common.Topics;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The whole scheduler app on real PostgreSQL and a real Kafka broker: migrations from the common
 * jar applied at start, events read from {@code render.events} by the group, applied, and their
 * offsets committed.
 */
@QuarkusTest
@NeedsStack
@WithTestResource(PostgresResource.class)
@WithTestResource(KafkaResource.class)
class SchedulerAppTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Inject DataSource dataSource;
  @Inject JobRepository jobs;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrapServers;

  @Test
  void appliesEventsFromKafkaAndCommitsTheirOffsets() throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO jobs (id, model, settings, upscale, target_size) VALUES (?, 'sd21', '{}', 'none', 512)")) {
      s.setObject(1, id);
      s.executeUpdate();
    }
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
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (JobEvent e : events) {
        producer.send(
            new ProducerRecord<>(
                Topics.EVENTS, id.toString().getBytes(StandardCharsets.UTF_8), Json.encode(e)));
      }
    }

    await("job SUCCEEDED", () -> jobs.find(id).orElseThrow().state() == JobState.SUCCEEDED);
    JobRow row = jobs.find(id).orElseThrow();
    assertEquals("results/" + id + ".png", row.fields().objectKey());
    assertEquals(10, row.fields().progressStep());
    assertEquals(2, row.version());
    await(
        "offsets of all " + events.size() + " events committed",
        () -> committed() == events.size());
  }

  private long committed() {
    try (Admin admin = KafkaAdmin.admin(bootstrapServers)) {
      Map<?, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(EventsConsumer.GROUP)
              .partitionsToOffsetAndMetadata()
              .get();
      return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
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
