package dev.tessera.gateway.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.common.Topics;
import dev.tessera.deploy.stack.BackingServices;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import dev.tessera.gateway.TestFiles;
import dev.tessera.gateway.TopicReader;
import dev.tessera.gateway.retention.ExpiredRows;
import dev.tessera.teststack.TestStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The relay thread with a real producer, started while its broker is down, as after a cold start of
 * the farm: the broker is started (for its address) and stopped before the relay starts, and
 * restarted later on the same address.
 */
class RelayWorkerTest {
  private static final String TOPIC = Topics.CONTROL;

  @Test
  void keepsRowsWhileNoBrokerRunsThenCreatesTheControlTopicAndPublishesEachRowOnce()
      throws Exception {
    Sql sql = new Sql(TestDatabase.dataSource());
    sql.update("DELETE FROM outbox");
    for (String key : List.of("a", "b", "c")) {
      sql.update(
          "INSERT INTO outbox (topic, key, payload) VALUES (?, ?, ?)",
          TOPIC,
          key,
          key.getBytes(StandardCharsets.UTF_8));
    }
    BackingServices services = TestStack.services();
    Path kafkaDir = TestFiles.scratch("late-kafka-");
    try (Broker kafka = services.startBroker(kafkaDir)) {
      kafka.stop();
      String bootstrap = kafka.bootstrapServers();
      OutboxRelay relay =
          new OutboxRelay(
              TestDatabase.dataSource(),
              () -> new KafkaProducer<>(KafkaClients.producer(bootstrap)),
              10,
              KafkaClients.ACK_WAIT);
      // Admin calls give up sooner than in production, so the first topic check fails and has to be
      // retried.
      Map<String, Object> admin = new HashMap<>(KafkaClients.admin(bootstrap));
      admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
      admin.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000);
      TopicProvisioner topics = new TopicProvisioner(admin);
      ExpiredRows cleanup =
          new ExpiredRows(
              TestDatabase.dataSource(), ExpiredRows.SENT_OUTBOX_ROWS, Duration.ofHours(1));

      try (RelayWorker worker =
          new RelayWorker(relay, topics, cleanup, Duration.ofMillis(200), Duration.ofSeconds(1))) {
        worker.start();
        Thread.sleep(4000);
        assertEquals(3, sql.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL"));

        kafka.restart();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (sql.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL") > 0) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("rows not published within 60 s of the broker's start");
          }
          Thread.sleep(200);
        }
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(bootstrap, TOPIC);
        assertEquals(
            List.of("a", "b", "c"), records.stream().map(ConsumerRecord::key).sorted().toList());
      }
    } finally {
      TestFiles.deleteTree(kafkaDir);
    }
  }
}
