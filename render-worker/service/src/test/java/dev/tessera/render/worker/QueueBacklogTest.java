package dev.tessera.render.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.teststack.TestStack;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backlog as a stalled-worker check reads it, from a real broker's share-group state. */
class QueueBacklogTest {
  private static final String TOPIC = "render.jobs.backlog-test";
  private static final String GROUP = "backlog-test";

  @TempDir Path dir;

  @Test
  void countsWaitingJobsLessThoseOtherMembersHold() throws Exception {
    try (Broker kafka = TestStack.services().startBroker(dir.resolve("kafka"))) {
      String bootstrap = kafka.bootstrapServers();
      KafkaAdmin.createTopics(bootstrap, List.of(TOPIC), 1);
      KafkaAdmin.readShareGroupFromEarliest(bootstrap, GROUP);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", bootstrap),
              new StringSerializer(),
              new StringSerializer())) {
        for (int i = 0; i < 3; i++) {
          producer.send(new ProducerRecord<>(TOPIC, "job-" + i)).get();
        }
      }
      try (QueueBacklog backlog = new QueueBacklog(bootstrap, GROUP, Set.of(TOPIC));
          KafkaShareConsumer<String, String> a = consumer(bootstrap);
          KafkaShareConsumer<String, String> b = consumer(bootstrap)) {
        ConsumerRecord<String, String> first = takeOne(a);
        // One member holding one: as the caller it counts itself idle, so all three look waiting.
        awaitWaiting(backlog, 3);
        a.acknowledge(first, AcknowledgeType.ACCEPT);
        a.commitSync(Duration.ofSeconds(10));
        awaitWaiting(backlog, 2);
        takeOne(b);
        // Two members, b holding one of the two left: one waits for the idle member a.
        awaitWaiting(backlog, 1);
      }
    }
  }

  @Test
  void anUnreachableBrokerIsAnErrorNotAHang() {
    try (QueueBacklog backlog = new QueueBacklog("127.0.0.1:1", GROUP, Set.of(TOPIC))) {
      IOException e = assertThrows(IOException.class, backlog::waiting);
      assertEquals(
          true,
          e.getMessage().contains("cannot read the backlog of share group " + GROUP),
          e.getMessage());
    }
  }

  private static KafkaShareConsumer<String, String> consumer(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    props.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    KafkaShareConsumer<String, String> consumer =
        new KafkaShareConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(TOPIC));
    return consumer;
  }

  private static ConsumerRecord<String, String> takeOne(
      KafkaShareConsumer<String, String> consumer) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      if (!records.isEmpty()) {
        assertEquals(1, records.size());
        return records.get(0);
      }
    }
    throw new AssertionError("no record delivered");
  }

  private static void awaitWaiting(QueueBacklog backlog, long expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    long waiting = -1;
    while (System.nanoTime() < deadline) {
      waiting = backlog.waiting();
      if (waiting == expected) {
        return;
      }
      Thread.sleep(200);
    }
    assertEquals(expected, waiting);
  }
}
