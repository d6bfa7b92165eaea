package dev.tessera.render.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.worker.RenderWorker.State;
import dev.tessera.render.worker.RenderWorker.Transition;
import dev.tessera.teststack.NeedsStack;
import dev.tessera.teststack.TestStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
 * The share group's record lock is far shorter than the longest job.
 */
@NeedsStack
class RenderWorkerTransitionsTest {
  private static final Duration LOCK = Duration.ofSeconds(2);

  @TempDir static Path dir;
  private static Broker kafka;

  private final List<Transition> seen = new CopyOnWriteArrayList<>();

  /** {@code worker:millis} of every job a handler started, in order. */
  private final List<String> handled = new CopyOnWriteArrayList<>();

  /** {@code worker:millis} of every job a handler finished or gave up. */
  private final List<String> finished = new CopyOnWriteArrayList<>();

  private final AtomicInteger cancelled = new AtomicInteger();
  private final FaultyConsumer.Faults faults = new FaultyConsumer.Faults();
  private final List<RenderWorker> workers = new ArrayList<>();
  private final List<Thread> loops = new ArrayList<>();
  private String topic;
  private String group;
  private RenderWorker worker;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = TestStack.services().startBroker(dir.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  /** A topic and group of the test's own, with {@link #LOCK} as the group's record lock. */
  private void setUp(TestInfo test) throws Exception {
    String name = test.getTestMethod().orElseThrow().getName();
    topic = "render.jobs." + name;
    group = "group-" + name;
    KafkaAdmin.createTopics(kafka.bootstrapServers(), List.of(topic), 1);
    KafkaAdmin.readShareGroupFromEarliest(kafka.bootstrapServers(), group);
    KafkaAdmin.setRecordLock(kafka.bootstrapServers(), group, LOCK);
  }

  /** Sets up the test's queue and starts {@link #worker}, named w1, whose transitions are seen. */
  private void startWorker(TestInfo test) throws Exception {
    setUp(test);
    worker = startWorker("w1", seen::add);
  }

  private RenderWorker startWorker(String name, java.util.function.Consumer<Transition> listener) {
    return startWorker(name, listener, waits(name), 1);
  }

  private RenderWorker startWorker(
      String name,
      java.util.function.Consumer<Transition> listener,
      JobHandler handler,
      int batchJobs) {
    RenderWorker w =
        new RenderWorker(
            () ->
                new FaultyConsumer<>(
                    RenderWorker.openConsumer(
                        kafka.bootstrapServers(), group, List.of(topic), batchJobs),
                    faults),
            handler,
            listener,
            batchJobs);
    Thread loop = new Thread(w, "worker-loop-" + name);
    loop.start();
    workers.add(w);
    loops.add(loop);
    return w;
  }

  /** A handler that waits for the milliseconds in the record, or until cancelled. */
  private JobHandler waits(String worker) {
    return (payload, token) -> {
      String job = worker + ":" + new String(payload, StandardCharsets.UTF_8);
      handled.add(job);
      long end =
          System.nanoTime()
              + TimeUnit.MILLISECONDS.toNanos(
                  Long.parseLong(new String(payload, StandardCharsets.UTF_8)));
      try {
        while (System.nanoTime() < end) {
          if (token.isCancelled()) {
            cancelled.incrementAndGet();
            return JobHandler.Outcome.RETRYABLE;
          }
          LockSupport.parkNanos(10_000_000);
        }
        return JobHandler.Outcome.SUCCEEDED;
      } finally {
        finished.add(job);
      }
    };
  }

  @AfterEach
  void stopWorkers() throws InterruptedException {
    workers.forEach(RenderWorker::close);
    for (Thread loop : loops) {
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

  private void awaitIdleAfter(RenderWorker w, int jobs) throws InterruptedException {
    await(
        jobs + " job(s) done and the loop idle",
        () -> w.status().jobs() >= jobs && w.status().state() == State.POLLING);
  }

  /** The share group's lag on the test's queue: records neither acknowledged nor archived. */
  private Optional<Long> lag(Admin admin) throws Exception {
    TopicPartition partition = new TopicPartition(topic, 0);
    SharePartitionOffsetInfo info =
        admin
            .listShareGroupOffsets(
                Map.of(group, new ListShareGroupOffsetsSpec().topicPartitions(List.of(partition))))
            .partitionsToOffsetInfo(group)
            .get(10, TimeUnit.SECONDS)
            .get(partition);
    return info == null ? Optional.empty() : info.lag();
  }

  @Test
  void aShortJobGoesPollingAcceptingRenderingPolling(TestInfo test) throws Exception {
    startWorker(test);
    submit(100);
    awaitIdleAfter(worker, 1);
    assertEquals(
        List.of(
            move(State.POLLING, State.ACCEPTING),
            move(State.ACCEPTING, State.RENDERING),
            move(State.RENDERING, State.POLLING)),
        seen);
    assertEquals(List.of("w1:100"), handled);
  }

  /**
   * A job three lock periods long is accepted before it renders: the broker counts it done while it
   * still renders, so it is never delivered to the second worker of the group, which takes the next
   * job instead, while the first still renders.
   */
  @Test
  void aJobIsAcceptedBeforeItRendersSoALongOneIsNotDeliveredAgain(TestInfo test) throws Exception {
    setUp(test);
    List<Transition> w1 = new CopyOnWriteArrayList<>();
    List<Transition> w2 = new CopyOnWriteArrayList<>();
    startWorker("w1", w1::add);
    startWorker("w2", w2::add);
    long longJob = 3 * LOCK.toMillis();
    submit(longJob);
    await("the long job rendering", () -> handled.size() == 1);
    assertEquals(
        List.of(longJob), handled.stream().map(h -> Long.parseLong(h.split(":")[1])).toList());
    String longOn = handled.get(0).split(":")[0];
    try (Admin admin = KafkaAdmin.admin(kafka.bootstrapServers())) {
      await(
          "the long job acknowledged at the broker",
          () -> {
            try {
              return lag(admin).equals(Optional.of(0L));
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
    }
    assertTrue(finished.isEmpty(), "acknowledged while it still renders: " + finished);
    submit(300);
    await("the short job done", () -> finished.size() == 1);
    String shortOn = longOn.equals("w1") ? "w2" : "w1";
    assertEquals(shortOn + ":300", handled.get(1), "the idle worker took the next job");
    assertEquals(List.of(shortOn + ":300"), finished, "while the long one rendered");
    await("the long job done", () -> finished.size() == 2);
    Thread.sleep(LOCK.toMillis() + 1_000); // a lapsed lock would have delivered it again by now
    assertEquals(List.of(longOn + ":" + longJob, shortOn + ":300"), handled);
    for (List<Transition> moves : List.of(w1, w2)) {
      assertEquals(
          List.of(
              move(State.POLLING, State.ACCEPTING),
              move(State.ACCEPTING, State.RENDERING),
              move(State.RENDERING, State.POLLING)),
          moves,
          "one job each, accepted at once, no reconnect");
    }
  }

  @Test
  void aFailedPollReplacesTheConsumerAndWorkGoesOn(TestInfo test) throws Exception {
    faults.failPolls.set(1);
    startWorker(test);
    submit(100);
    awaitIdleAfter(worker, 1);
    assertEquals(
        List.of(move(State.POLLING, State.RECONNECTING), move(State.RECONNECTING, State.POLLING)),
        seen.subList(0, 2));
    assertEquals(1, worker.status().reconnects());
    assertEquals(List.of("w1:100"), handled);
  }

  /**
   * An accept the broker never confirmed: the job is not rendered on that delivery, the consumer is
   * replaced, and the job comes back once the broker has it again (the lock lapsed or the closed
   * consumer released it); then it renders, once.
   */
  @Test
  void aFailedAcceptIsNotRenderedAndTheConsumerIsReplaced(TestInfo test) throws Exception {
    faults.commitsBeforeFailure.set(0);
    startWorker(test);
    submit(100);
    awaitIdleAfter(worker, 1);
    assertEquals(
        List.of(
            move(State.POLLING, State.ACCEPTING),
            move(State.ACCEPTING, State.RECONNECTING),
            move(State.RECONNECTING, State.POLLING),
            move(State.POLLING, State.ACCEPTING),
            move(State.ACCEPTING, State.RENDERING),
            move(State.RENDERING, State.POLLING)),
        seen);
    assertEquals(List.of("w1:100"), handled, "rendered only once accepted");
    assertEquals(1, worker.status().failedAcknowledgements());
    assertEquals(1, worker.status().reconnects());
  }

  /** {@link #waits} that also records how many jobs each call of the loop handed over at once. */
  private JobHandler batching(String worker, List<Integer> batches) {
    JobHandler single = waits(worker);
    return new JobHandler() {
      @Override
      public Outcome handle(byte[] payload, CancelToken cancel) {
        batches.add(1);
        return single.handle(payload, cancel);
      }

      @Override
      public List<Outcome> handleBatch(List<byte[]> payloads, List<CancelToken> cancels) {
        batches.add(payloads.size());
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
          outcomes.add(single.handle(payloads.get(i), cancels.get(i)));
        }
        return outcomes;
      }
    };
  }

  /**
   * A worker taking up to 3 jobs hands the 3 queued ones over in one call, each accepted and with
   * its own token; a close cancels all of them.
   */
  @Test
  void aBatchingWorkerTakesThreeQueuedJobsAtOnceAndCloseCancelsThemAll(TestInfo test)
      throws Exception {
    setUp(test);
    submit(60_000);
    submit(60_001);
    submit(60_002);
    List<Integer> batches = new CopyOnWriteArrayList<>();
    worker = startWorker("w1", seen::add, batching("w1", batches), 3);
    await("the batch rendering", () -> handled.size() == 1);
    assertEquals(List.of(3), batches, "one call with the three jobs");
    worker.close();
    loops.get(0).join(30_000);
    assertEquals(State.STOPPED, worker.status().state());
    assertEquals(3, cancelled.get(), "every job of the batch is cancelled");
    assertEquals(3, worker.status().jobs());
  }

  /**
   * An accept of a batch the broker never confirmed: none of its jobs renders on that delivery, the
   * consumer is replaced, and each job renders once when the broker has them again.
   */
  @Test
  void aFailedAcceptOfABatchRendersNoneOfItAndTheConsumerIsReplaced(TestInfo test)
      throws Exception {
    setUp(test);
    faults.commitsBeforeFailure.set(0);
    submit(100);
    submit(101);
    submit(102);
    List<Integer> batches = new CopyOnWriteArrayList<>();
    worker = startWorker("w1", seen::add, batching("w1", batches), 3);
    awaitIdleAfter(worker, 3);
    assertEquals(
        List.of(
            move(State.POLLING, State.ACCEPTING),
            move(State.ACCEPTING, State.RECONNECTING),
            move(State.RECONNECTING, State.POLLING)),
        seen.subList(0, 3));
    assertEquals(
        List.of("w1:100", "w1:101", "w1:102"),
        handled.stream().sorted().toList(),
        "each rendered once, only once accepted");
    assertEquals(3, worker.status().failedAcknowledgements());
    assertEquals(1, worker.status().reconnects());
  }

  /**
   * Close cancels the render; the job was accepted, so the queue does not deliver it to anyone
   * again (its handler reports it for the scheduler to dispatch again).
   */
  @Test
  void closeCancelsTheJobUnderWayAndStops(TestInfo test) throws Exception {
    startWorker(test);
    submit(60_000);
    await("the job rendering", () -> worker.status().state() == State.RENDERING);
    worker.close();
    loops.get(0).join(30_000);
    assertEquals(State.STOPPED, worker.status().state());
    assertEquals(1, cancelled.get());
    assertEquals(
        List.of(
            move(State.POLLING, State.ACCEPTING),
            move(State.ACCEPTING, State.RENDERING),
            move(State.RENDERING, State.STOPPED)),
        seen);
    startWorker("w2", t -> {});
    Thread.sleep(LOCK.toMillis() + 2_000);
    assertEquals(List.of("w1:60000"), handled, "not delivered again");
  }

  @Test
  void closeWhileIdleStops(TestInfo test) throws Exception {
    startWorker(test);
    await("the loop polling", () -> worker.status().state() == State.POLLING);
    worker.close();
    loops.get(0).join(30_000);
    assertEquals(List.of(move(State.POLLING, State.STOPPED)), seen);
    assertFalse(loops.get(0).isAlive());
  }

  /**
   * A drain lets the job under way finish and takes no further job: the one queued behind it stays
   * on the broker, where another worker takes it.
   */
  @Test
  void drainFinishesTheJobUnderWayAndLeavesTheNextToAnotherWorker(TestInfo test) throws Exception {
    startWorker(test);
    submit(1_500);
    await("the job rendering", () -> worker.status().state() == State.RENDERING);
    submit(100);
    worker.drain();
    assertTrue(worker.awaitStopped(Duration.ofSeconds(30)), "stopped once the job ended");
    assertEquals(State.STOPPED, worker.status().state());
    assertEquals(0, cancelled.get(), "the job under way was not cancelled");
    assertEquals(List.of("w1:1500"), finished);
    assertEquals(
        List.of(
            move(State.POLLING, State.ACCEPTING),
            move(State.ACCEPTING, State.RENDERING),
            move(State.RENDERING, State.STOPPED)),
        seen);
    startWorker("w2", t -> {});
    await("w2 took the next job", () -> finished.contains("w2:100"));
    assertEquals(List.of("w1:1500", "w2:100"), handled);
  }

  /** A drain that runs out of time ends with a close, which cancels the job under way. */
  @Test
  void aDrainEndedByCloseCancelsTheJob(TestInfo test) throws Exception {
    startWorker(test);
    submit(60_000);
    await("the job rendering", () -> worker.status().state() == State.RENDERING);
    worker.drain();
    assertFalse(worker.awaitStopped(Duration.ofMillis(500)), "still rendering");
    worker.close();
    assertTrue(worker.awaitStopped(Duration.ofSeconds(30)));
    assertEquals(1, cancelled.get());
    assertEquals(State.STOPPED, worker.status().state());
  }

  @Test
  void drainWhileIdleStops(TestInfo test) throws Exception {
    startWorker(test);
    await("the loop polling", () -> worker.status().state() == State.POLLING);
    worker.drain();
    assertTrue(worker.awaitStopped(Duration.ofSeconds(10)));
    assertEquals(List.of(move(State.POLLING, State.STOPPED)), seen);
  }
}
