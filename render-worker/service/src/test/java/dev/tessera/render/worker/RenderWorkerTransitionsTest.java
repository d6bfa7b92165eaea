package dev.tessera.render.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.render.worker.RenderWorker.State;
import dev.tessera.render.worker.RenderWorker.Transition;
import dev.tessera.teststack.NeedsStack;
import dev.tessera.teststack.TestStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each transition of the queue loop, on a real broker: jobs are plain waits (the handler sleeps for
 * the milliseconds in the record), and faults are injected into a real consumer's poll or commit.
 */
@NeedsStack
class RenderWorkerTransitionsTest {
  private static final Duration LOCK = Duration.ofSeconds(2);

  @TempDir static Path dir;
  private static Broker kafka;

  private final List<Transition> seen = new CopyOnWriteArrayList<>();
  private final List<String> handled = new CopyOnWriteArrayList<>();
  private final AtomicInteger cancelled = new AtomicInteger();
  private final FaultyConsumer.Faults faults = new FaultyConsumer.Faults();
  private String topic;
  private RenderWorker worker;
  private Thread loop;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = TestStack.services().startBroker(dir.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  /** A worker of its own topic and group, with {@link #LOCK} as the group's record lock. */
  private void startWorker(TestInfo test) throws Exception {
    String name = test.getTestMethod().orElseThrow().getName();
    topic = "render.jobs." + name;
    String group = "group-" + name;
    KafkaAdmin.createTopics(kafka.bootstrapServers(), List.of(topic), 1);
    KafkaAdmin.readShareGroupFromEarliest(kafka.bootstrapServers(), group);
    KafkaAdmin.setRecordLock(kafka.bootstrapServers(), group, LOCK);
    JobHandler waits =
        (payload, delivery, token) -> {
          handled.add(new String(payload, StandardCharsets.UTF_8) + "#" + delivery);
          long end =
              System.nanoTime()
                  + Duration.ofMillis(Long.parseLong(new String(payload, StandardCharsets.UTF_8)))
                      .toNanos();
          while (System.nanoTime() < end) {
            if (token.isCancelled()) {
              cancelled.incrementAndGet();
              return AcknowledgeType.RELEASE;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
          }
          return AcknowledgeType.ACCEPT;
        };
    worker =
        new RenderWorker(
            () ->
                new FaultyConsumer<>(
                    RenderWorker.openConsumer(kafka.bootstrapServers(), group, List.of(topic)),
                    faults),
            waits,
            seen::add);
    loop = new Thread(worker, "worker-loop");
    loop.start();
  }

  @AfterEach
  void stopWorker() throws InterruptedException {
    if (worker != null) {
      worker.close();
      loop.join(30_000);
    }
  }

  private void submit(long millis) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(new ProducerRecord<>(topic, Long.toString(millis).getBytes(StandardCharsets.UTF_8)))
          .get();
    }
  }

  private static Transition move(State from, State to) {
    return new Transition(from, to);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  /**
   * The transitions without renewals. With a 2 s lock even a short job may be renewed once at its
   * start: the loop takes the lock to have begun as early as the poll before the one that returned
   * the job.
   */
  private List<Transition> withoutRenewals() {
    return seen.stream()
        .filter(t -> t.from() != State.RENEWING && t.to() != State.RENEWING)
        .toList();
  }

  private void awaitIdleAfter(int jobs) throws InterruptedException {
    await(
        jobs + " job(s) acknowledged and the loop idle",
        () -> worker.status().jobs() >= jobs && worker.status().state() == State.POLLING);
  }

  @Test
  void aShortJobGoesPollingRenderingAcknowledgingPolling(TestInfo test) throws Exception {
    startWorker(test);
    submit(100);
    awaitIdleAfter(1);
    assertEquals(
        List.of(
            move(State.POLLING, State.RENDERING),
            move(State.RENDERING, State.ACKNOWLEDGING),
            move(State.ACKNOWLEDGING, State.POLLING)),
        withoutRenewals());
    assertEquals(List.of("100#1"), handled);
  }

  @Test
  void aJobLongerThanTheLockIsRenewedAndDeliveredOnce(TestInfo test) throws Exception {
    startWorker(test);
    submit(3 * LOCK.toMillis());
    awaitIdleAfter(1);
    assertTrue(seen.contains(move(State.RENDERING, State.RENEWING)), seen.toString());
    assertTrue(seen.contains(move(State.RENEWING, State.RENDERING)), seen.toString());
    assertTrue(worker.status().renewals() >= 3, worker.status().toString());
    assertEquals(List.of("6000#1"), handled);
  }

  @Test
  void aFailedPollReplacesTheConsumerAndWorkGoesOn(TestInfo test) throws Exception {
    faults.failPolls.set(1);
    startWorker(test);
    submit(100);
    awaitIdleAfter(1);
    assertEquals(
        List.of(move(State.POLLING, State.RECONNECTING), move(State.RECONNECTING, State.POLLING)),
        seen.subList(0, 2));
    assertEquals(1, worker.status().reconnects());
    assertEquals(List.of("100#1"), handled);
  }

  @Test
  void aFailedRenewalCancelsTheJobReplacesTheConsumerAndTheJobComesBack(TestInfo test)
      throws Exception {
    faults.failCommitOf = AcknowledgeType.RENEW;
    faults.commitsBeforeFailure.set(0);
    startWorker(test);
    submit(2 * LOCK.toMillis());
    awaitIdleAfter(1);
    assertTrue(seen.contains(move(State.RENEWING, State.RECONNECTING)), seen.toString());
    assertTrue(seen.contains(move(State.RECONNECTING, State.POLLING)), seen.toString());
    assertEquals(1, cancelled.get(), "the render whose lock was lost was cancelled");
    assertEquals(1, worker.status().lostLocks());
    assertEquals(
        List.of("4000#1", "4000#2"), handled, "delivered again after the lost lock, and finished");
  }

  @Test
  void aFailedAcknowledgementReplacesTheConsumerAndWorkGoesOn(TestInfo test) throws Exception {
    faults.failCommitOf = AcknowledgeType.ACCEPT;
    faults.commitsBeforeFailure.set(0);
    startWorker(test);
    submit(100);
    await(
        "the consumer replaced",
        () -> worker.status().reconnects() == 1 && worker.status().state() == State.POLLING);
    assertTrue(seen.contains(move(State.ACKNOWLEDGING, State.RECONNECTING)), seen.toString());
    assertEquals(1, worker.status().failedAcknowledgements());
    submit(50);
    await(
        "the next job done",
        () -> handled.contains("50#1") && worker.status().state() == State.POLLING);
  }

  @Test
  void closeCancelsTheJobUnderWayAndStops(TestInfo test) throws Exception {
    startWorker(test);
    submit(60_000);
    await("the job rendering", () -> worker.status().state() == State.RENDERING);
    worker.close();
    loop.join(30_000);
    assertEquals(State.STOPPED, worker.status().state());
    assertEquals(1, cancelled.get());
    assertEquals(
        List.of(
            move(State.POLLING, State.RENDERING),
            move(State.RENDERING, State.ACKNOWLEDGING),
            move(State.ACKNOWLEDGING, State.STOPPED)),
        withoutRenewals());
  }

  @Test
  void closeWhileIdleStops(TestInfo test) throws Exception {
    startWorker(test);
    await("the loop polling", () -> worker.status().state() == State.POLLING);
    worker.close();
    loop.join(30_000);
    assertEquals(List.of(move(State.POLLING, State.STOPPED)), seen);
  }
}
