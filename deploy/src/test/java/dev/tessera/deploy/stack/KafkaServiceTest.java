package dev.tessera.deploy.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.kafka.KafkaAdmin;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real broker for the class; every test uses its own topic and share group. */
class KafkaServiceTest {
  @TempDir static Path dir;
  static KafkaService kafka;

  @BeforeAll
  static void startBroker() throws Exception {
    long t0 = System.nanoTime();
    kafka = KafkaService.start(dir, 0);
    System.out.printf(
        "Kafka: formatted and started in %d ms at %s%n",
        (System.nanoTime() - t0) / 1_000_000, kafka.bootstrapServers());
  }

  @AfterAll
  static void stopBroker() {
    long t0 = System.nanoTime();
    kafka.close();
    kafka.close();
    System.out.printf("Kafka: stopped in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  @Test
  void releasedRecordIsDeliveredAgainWithAHigherDeliveryCount() throws Exception {
    String topic = queue("release", "g-release");
    produce(topic, "job-1");
    try (var consumer = shareConsumer("g-release", topic)) {
      ConsumerRecord<String, String> first = pollOne(consumer).orElseThrow();
      assertEquals("job-1", first.value());
      assertEquals(Optional.of((short) 1), first.deliveryCount());
      consumer.acknowledge(first, AcknowledgeType.RELEASE);
      consumer.commitSync();

      ConsumerRecord<String, String> again = pollOne(consumer).orElseThrow();
      assertEquals(first.offset(), again.offset());
      assertEquals(Optional.of((short) 2), again.deliveryCount());
      consumer.acknowledge(again, AcknowledgeType.ACCEPT);
      consumer.commitSync();

      assertTrue(
          consumer.poll(Duration.ofMillis(500)).isEmpty(),
          "an accepted record is not delivered again");
    }
  }

  @Test
  void twoConsumersOfOneGroupShareOnePartition() throws Exception {
    String topic = queue("shared", "g-shared");
    produce(topic, "job-a");
    produce(topic, "job-b");
    try (var busy = shareConsumer("g-shared", topic);
        var idle = shareConsumer("g-shared", topic)) {
      // the first consumer holds its record (a long render); the second still gets the next one
      ConsumerRecord<String, String> held = pollOne(busy).orElseThrow();
      ConsumerRecord<String, String> other = pollOne(idle).orElseThrow();
      assertNotEquals(held.offset(), other.offset());
      busy.acknowledge(held, AcknowledgeType.ACCEPT);
      idle.acknowledge(other, AcknowledgeType.ACCEPT);
      busy.commitSync();
      idle.commitSync();
    }
  }

  @Test
  void killedBrokerRestartsWithItsUnconsumedRecords() throws Exception {
    String topic = queue("crash", "g-crash");
    produce(topic, "survivor");
    String bootstrap = kafka.bootstrapServers();

    long t0 = System.nanoTime();
    kafka.kill();
    assertFalse(kafka.isRunning());
    kafka.restart();
    System.out.printf(
        "Kafka: killed and restarted in %d ms%n", (System.nanoTime() - t0) / 1_000_000);

    assertEquals(bootstrap, kafka.bootstrapServers());
    try (var consumer = shareConsumer("g-crash", topic)) {
      ConsumerRecord<String, String> record = pollOne(consumer).orElseThrow();
      assertEquals("survivor", record.value());
      consumer.acknowledge(record, AcknowledgeType.ACCEPT);
      consumer.commitSync();
    }
  }

  private static String queue(String topic, String group) throws Exception {
    KafkaAdmin.createTopics(kafka.bootstrapServers(), java.util.List.of(topic), 1);
    KafkaAdmin.readShareGroupFromEarliest(kafka.bootstrapServers(), group);
    return topic;
  }

  /**
   * A broker whose port is taken exits, and its owner learns why (with port 0 it would start again
   * elsewhere).
   */
  @Test
  void aTakenPortIsReportedAsSuch() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      PortInUseException e =
          assertThrows(
              PortInUseException.class,
              () -> KafkaService.start(dir.resolve("taken"), taken.getLocalPort()));
      assertTrue(e.getMessage().contains("Kafka broker exited"), e.getMessage());
    }
  }

  private static void produce(String topic, String value) throws Exception {
    try (var producer =
        new KafkaProducer<String, String>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, value)).get();
    }
  }

  private static KafkaShareConsumer<String, String> shareConsumer(String group, String topic) {
    var consumer =
        new KafkaShareConsumer<String, String>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit",
                ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1"),
            new StringDeserializer(),
            new StringDeserializer());
    consumer.subscribe(java.util.Set.of(topic));
    return consumer;
  }

  /**
   * Polls for up to 20 s until a record arrives; record_limit with max.poll.records=1 returns at
   * most one.
   */
  private static Optional<ConsumerRecord<String, String>> pollOne(
      KafkaShareConsumer<String, String> consumer) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      var records = consumer.poll(Duration.ofMillis(200));
      assertTrue(
          records.count() <= 1, "record_limit with max.poll.records=1 returns at most one record");
      for (ConsumerRecord<String, String> record : records) {
        return Optional.of(record);
      }
    }
    return Optional.empty();
  }
}
