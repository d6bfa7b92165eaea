package dev.tessera.render.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.ControlMessage;
import dev.tessera.common.Json;
import dev.tessera.common.Topics;
import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.teststack.NeedsStack;
import dev.tessera.teststack.TestStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's reader of {@code render.control} on a real broker: a worker that starts later knows
 * every cancellation the topic keeps before it takes a job, and hears of new ones as they come.
 */
@NeedsStack
class ControlReaderTest {
  @TempDir static Path dir;
  private static Broker kafka;

  @BeforeAll
  static void start() throws Exception {
    kafka = TestStack.services().startBroker(dir.resolve("kafka"));
  }

  @AfterAll
  static void stop() {
    kafka.close();
  }

  private static void publish(List<ProducerRecord<String, byte[]>> records) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (ProducerRecord<String, byte[]> r : records) {
        producer.send(r);
      }
      producer.flush();
    }
  }

  private static ProducerRecord<String, byte[]> cancel(UUID id) {
    return new ProducerRecord<>(
        Topics.CONTROL, id.toString(), Json.encode(new ControlMessage.Cancel(id, Instant.now())));
  }

  @Test
  void aReaderStartedLaterKnowsEveryCancellationBeforeItIsCaughtUpAndHearsNewOnes()
      throws Exception {
    // Also proves the topic is created compacted and time-limited, as the README says.
    KafkaAdmin.createControlTopic(kafka.bootstrapServers());
    try (Admin admin = KafkaAdmin.admin(kafka.bootstrapServers())) {
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.CONTROL);
      var config = admin.describeConfigs(List.of(topic)).all().get(10, TimeUnit.SECONDS).get(topic);
      assertEquals("compact,delete", value(config.get("cleanup.policy")));
      assertEquals(
          Long.toString(Topics.CONTROL_RETENTION.toMillis()), value(config.get("retention.ms")));
    }
    List<UUID> earlier = new ArrayList<>();
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      UUID id = UUID.randomUUID();
      earlier.add(id);
      records.add(cancel(id));
      if (i == 1000) {
        records.add(
            new ProducerRecord<>(
                Topics.CONTROL, "x", "{\"type\":\"drain\"}".getBytes(StandardCharsets.UTF_8)));
      }
    }
    publish(records);

    CancelledJobs cancelled = new CancelledJobs(1500);
    try (ControlReader reader = new ControlReader(kafka.bootstrapServers(), cancelled)) {
      reader.start();
      assertTrue(reader.awaitCaughtUp(Duration.ofSeconds(30)), "caught up");
      assertEquals(1500, cancelled.size(), "bounded: the newest 1500 of 2000");
      assertTrue(cancelled.contains(earlier.get(1999)));
      assertTrue(cancelled.contains(earlier.get(500)));
      assertFalse(cancelled.contains(earlier.get(499)), "the oldest are forgotten");

      UUID later = UUID.randomUUID();
      publish(List.of(cancel(later)));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!cancelled.contains(later) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(cancelled.contains(later), "a cancel published after the start arrives");
    }
  }

  private static String value(ConfigEntry entry) {
    return entry == null ? null : entry.value();
  }
}
