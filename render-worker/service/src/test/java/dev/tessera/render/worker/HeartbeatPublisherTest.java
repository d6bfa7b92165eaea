package dev.tessera.render.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.Json;
import dev.tessera.common.Topics;
import dev.tessera.common.WorkerHeartbeat;
import dev.tessera.common.WorkerHeartbeat.Activity;
import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.teststack.TestStack;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Heartbeats on a real broker's {@code render.workers}, and without a broker. */
class HeartbeatPublisherTest {
  private static final Duration INTERVAL = Duration.ofMillis(200);

  @TempDir Path dir;

  @Test
  void idleAtStartEveryIntervalBusyAndIdleAtOnceAndStoppedLast() throws Exception {
    try (Broker kafka = TestStack.services().startBroker(dir.resolve("kafka"))) {
      String bootstrap = kafka.bootstrapServers();
      KafkaAdmin.createSharedTopics(bootstrap);
      UUID job = UUID.randomUUID();
      try (KafkaConsumer<String, byte[]> consumer = workersTopic(bootstrap)) {
        List<WorkerHeartbeat> beats = new ArrayList<>();
        HeartbeatPublisher heartbeats =
            new HeartbeatPublisher(
                bootstrap, "hb-1", List.of("sd2", "sd1"), INTERVAL, Clock.systemUTC());
        try {
          heartbeats.start();
          await(consumer, beats, b -> b.activity() == Activity.IDLE);
          heartbeats.busy(List.of(job));
          await(consumer, beats, b -> b.activity() == Activity.BUSY);
          await(consumer, beats, b -> count(beats, Activity.BUSY) >= 3);
          heartbeats.idle();
          await(
              consumer,
              beats,
              b -> b.activity() == Activity.IDLE && count(beats, Activity.BUSY) > 0);
        } finally {
          heartbeats.close();
        }
        await(consumer, beats, b -> b.activity() == Activity.STOPPED);
        heartbeats.close(); // safe twice
        List<Activity> order = new ArrayList<>();
        for (WorkerHeartbeat beat : beats) {
          if (order.isEmpty() || order.get(order.size() - 1) != beat.activity()) {
            order.add(beat.activity());
          }
          assertEquals("hb-1", beat.workerId());
          assertEquals(List.of("sd2", "sd1"), beat.models());
          assertEquals(
              beat.activity() == Activity.BUSY ? job : null, beat.jobId(), beat.toString());
        }
        assertEquals(List.of(Activity.IDLE, Activity.BUSY, Activity.IDLE, Activity.STOPPED), order);
        assertEquals(Activity.STOPPED, beats.get(beats.size() - 1).activity(), "STOPPED last");
      }
    }
  }

  /**
   * Once draining, every beat says DRAINING, naming the job while one is under way, then none once
   * it is done; STOPPED stays the last.
   */
  @Test
  void drainingBeatsNameTheJobUnderWayUntilItIsDone() throws Exception {
    try (Broker kafka = TestStack.services().startBroker(dir.resolve("kafka"))) {
      String bootstrap = kafka.bootstrapServers();
      KafkaAdmin.createSharedTopics(bootstrap);
      UUID job = UUID.randomUUID();
      try (KafkaConsumer<String, byte[]> consumer = workersTopic(bootstrap)) {
        List<WorkerHeartbeat> beats = new ArrayList<>();
        HeartbeatPublisher heartbeats =
            new HeartbeatPublisher(bootstrap, "hb-1", List.of("sd2"), INTERVAL, Clock.systemUTC());
        try {
          heartbeats.start();
          await(consumer, beats, b -> b.activity() == Activity.IDLE);
          heartbeats.busy(List.of(job));
          await(consumer, beats, b -> b.activity() == Activity.BUSY);
          heartbeats.draining();
          await(consumer, beats, b -> count(beats, Activity.DRAINING) >= 3);
          heartbeats.idle();
          await(consumer, beats, b -> b.activity() == Activity.DRAINING && b.jobId() == null);
        } finally {
          heartbeats.close();
        }
        await(consumer, beats, b -> b.activity() == Activity.STOPPED);
        List<String> moves = new ArrayList<>();
        for (WorkerHeartbeat beat : beats) {
          String move = beat.activity() + (beat.jobId() == null ? "" : " " + beat.jobId());
          if (moves.isEmpty() || !moves.get(moves.size() - 1).equals(move)) {
            moves.add(move);
          }
        }
        assertEquals(
            List.of("IDLE", "BUSY " + job, "DRAINING " + job, "DRAINING", "STOPPED"), moves);
      }
    }
  }

  /** Without a broker every call returns at once: a render never waits for a heartbeat. */
  @Test
  void sendsNeverBlockWhenNoBrokerAnswers() {
    HeartbeatPublisher heartbeats =
        new HeartbeatPublisher(
            "127.0.0.1:1", "hb-2", List.of("sd2"), Duration.ofMillis(50), Clock.systemUTC());
    heartbeats.start();
    long t0 = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      heartbeats.busy(List.of(UUID.randomUUID()));
      heartbeats.idle();
    }
    Duration calls = Duration.ofNanos(System.nanoTime() - t0);
    assertTrue(calls.compareTo(Duration.ofMillis(500)) < 0, "200 calls took " + calls);
    long c0 = System.nanoTime();
    heartbeats.close();
    Duration close = Duration.ofNanos(System.nanoTime() - c0);
    assertTrue(close.compareTo(Duration.ofSeconds(15)) < 0, "close took " + close);
  }

  private static long count(List<WorkerHeartbeat> beats, Activity activity) {
    return beats.stream().filter(b -> b.activity() == activity).count();
  }

  private static KafkaConsumer<String, byte[]> workersTopic(String bootstrap) {
    TopicPartition partition = new TopicPartition(Topics.WORKERS, 0);
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    return consumer;
  }

  /** Reads beats into {@code beats} until one of those it read satisfies {@code until}. */
  private static void await(
      KafkaConsumer<String, byte[]> consumer,
      List<WorkerHeartbeat> beats,
      Predicate<WorkerHeartbeat> until) {
    int from = beats.size();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      for (var record : consumer.poll(Duration.ofMillis(100))) {
        assertEquals("hb-1", record.key(), "keyed by worker id");
        beats.add(Json.decode(record.value(), WorkerHeartbeat.class));
      }
      if (beats.subList(from, beats.size()).stream().anyMatch(until)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no such heartbeat; beats: " + beats);
      }
    }
  }
}
