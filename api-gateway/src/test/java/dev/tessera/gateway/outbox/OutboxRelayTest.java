package dev.tessera.gateway.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay against real PostgreSQL and a scripted producer: what is marked sent, and what stays.
 */
class OutboxRelayTest {
  private final DataSource dataSource = TestDatabase.dataSource();
  private final Sql sql = new Sql(dataSource);
  // Written by the relay's thread, read by the test's helper thread.
  private final List<MockProducer<String, byte[]>> producers = new CopyOnWriteArrayList<>();
  private boolean autoComplete = true;

  @BeforeEach
  void emptyOutbox() throws Exception {
    sql.update("DELETE FROM outbox");
  }

  @AfterEach
  void closeProducers() {
    producers.forEach(p -> p.close(Duration.ZERO));
  }

  private OutboxRelay relay(int batchSize, Duration ackWait) {
    return new OutboxRelay(
        dataSource,
        () -> {
          MockProducer<String, byte[]> producer =
              new MockProducer<>(
                  autoComplete, null, new StringSerializer(), new ByteArraySerializer());
          producers.add(producer);
          return producer;
        },
        batchSize,
        ackWait);
  }

  private void insert(String key) throws Exception {
    sql.update(
        "INSERT INTO outbox (topic, key, payload) VALUES ('render.control', ?, ?)",
        key,
        ("{\"job\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private long unsent() throws Exception {
    return sql.count("SELECT count(*) FROM outbox WHERE sent_at IS NULL");
  }

  @Test
  void publishesRowsInOrderAndMarksThemSent() throws Exception {
    insert("a");
    insert("b");
    insert("c");
    try (OutboxRelay relay = relay(10, Duration.ofSeconds(5))) {
      assertEquals(3, relay.relayBatch());
      assertEquals(0, unsent());
      List<ProducerRecord<String, byte[]>> sent = producers.get(0).history();
      assertEquals(List.of("a", "b", "c"), sent.stream().map(ProducerRecord::key).toList());
      assertEquals("render.control", sent.get(0).topic());
      assertArrayEquals("{\"job\":\"a\"}".getBytes(StandardCharsets.UTF_8), sent.get(0).value());
      assertEquals(0, relay.relayBatch(), "sent rows are not sent again");
      assertEquals(3, producers.get(0).history().size());
    }
  }

  @Test
  void takesAtMostOneBatchPerPass() throws Exception {
    insert("a");
    insert("b");
    insert("c");
    try (OutboxRelay relay = relay(2, Duration.ofSeconds(5))) {
      assertEquals(2, relay.relayBatch());
      assertEquals(1, unsent());
      assertEquals(1, relay.relayBatch());
      assertEquals(0, unsent());
    }
  }

  @Test
  void aRefusedRecordLeavesEveryRowOfThePassUnsentAndTheNextPassUsesAFreshProducer()
      throws Exception {
    insert("a");
    insert("b");
    autoComplete = false;
    try (OutboxRelay relay = relay(10, Duration.ofSeconds(5))) {
      Thread refuse =
          new Thread(
              () -> {
                awaitSends(producers, 2);
                producers.get(0).completeNext();
                producers
                    .get(0)
                    .errorNext(
                        new NotEnoughReplicasException(
                            "in-sync replicas below min.insync.replicas"));
              });
      refuse.start();
      PublishException e = assertThrows(PublishException.class, relay::relayBatch);
      refuse.join();
      assertTrue(e.getMessage().contains("in-sync replicas"), e.getMessage());
      assertEquals(
          2, unsent(), "one acknowledged record does not mark its row: the pass failed as a whole");
      assertTrue(producers.get(0).closed());

      autoComplete = true;
      assertEquals(2, relay.relayBatch());
      assertEquals(2, producers.size());
      assertEquals(0, unsent());
    }
  }

  @Test
  void aRecordThatCannotBeQueuedEndsThePassWithoutTryingTheRest() throws Exception {
    insert("a");
    insert("b");
    insert("c");
    AtomicInteger sends = new AtomicInteger();
    // What a real producer does without metadata: block max.block.ms, then hand back a failed
    // future.
    OutboxRelay relay =
        new OutboxRelay(
            dataSource,
            () ->
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()) {
                  @Override
                  public synchronized Future<RecordMetadata> send(
                      ProducerRecord<String, byte[]> record) {
                    sends.incrementAndGet();
                    return CompletableFuture.failedFuture(
                        new TimeoutException("Topic not present in metadata after 5000 ms."));
                  }
                },
            10,
            Duration.ofSeconds(5));
    try (relay) {
      PublishException e = assertThrows(PublishException.class, relay::relayBatch);
      assertTrue(e.getMessage().contains("not present in metadata"), e.getMessage());
      assertEquals(1, sends.get());
      assertEquals(3, unsent());
    }
  }

  @Test
  void noAcknowledgementInTimeFailsThePass() throws Exception {
    insert("a");
    autoComplete = false;
    try (OutboxRelay relay = relay(10, Duration.ofMillis(300))) {
      PublishException e = assertThrows(PublishException.class, relay::relayBatch);
      assertTrue(e.getMessage().startsWith("no acknowledgement within"), e.getMessage());
      assertEquals(1, unsent());
    }
  }

  @Test
  void skipsRowsAnotherRelayHasLocked() throws Exception {
    insert("a");
    insert("b");
    insert("c");
    try (Connection other = dataSource.getConnection();
        OutboxRelay relay = relay(10, Duration.ofSeconds(5))) {
      // Another replica's pass in progress, holding row "a".
      other.setAutoCommit(false);
      try (PreparedStatement lock =
          other.prepareStatement("SELECT id FROM outbox WHERE key = 'a' FOR UPDATE")) {
        lock.executeQuery().close();
      }
      assertEquals(2, relay.relayBatch());
      assertEquals(
          List.of("b", "c"), producers.get(0).history().stream().map(ProducerRecord::key).toList());
      other.rollback();
      assertEquals(1, relay.relayBatch());
      assertEquals(0, unsent());
    }
  }

  private static void awaitSends(List<MockProducer<String, byte[]>> producers, int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    try {
      while (producers.isEmpty() || producers.get(0).history().size() < count) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the relay did not send " + count + " records");
        }
        Thread.sleep(10);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
