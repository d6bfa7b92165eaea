package dev.tessera.scheduler.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.JobEvent;
import dev.tessera.common.JobState;
import dev.tessera.common.Json;
import dev.tessera.common.RenderJob;
import dev.tessera.common.RequestIds;
import dev.tessera.common.Topics;
import dev.tessera.common.WorkerHeartbeat;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.scheduler.EventApplier;
import dev.tessera.scheduler.JobRepository;
import dev.tessera.scheduler.RetryRule;
import dev.tessera.scheduler.TestDatabase;
import dev.tessera.scheduler.WorkerRegistry;
import dev.tessera.teststack.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dispatch passes on real PostgreSQL and a real broker: the bound per live worker, the policy's
 * order (priority, fair share, age), and records that carry their dispatch number.
 */
class DispatcherTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static Broker kafka;
  private static Path dir;

  private final TestDatabase db = TestDatabase.get();
  private final JobRepository jobs = new JobRepository(db.dataSource, t -> {});
  private final WorkerRegistry workers = new WorkerRegistry(db.dataSource);
  private final EventApplier events = new EventApplier(jobs, new RetryRule(3));
  private final JobQueuePublisher queues = new JobQueuePublisher(kafka.bootstrapServers());
  private final Dispatcher dispatcher =
      new Dispatcher(
          db.dataSource,
          jobs,
          workers,
          queues,
          new Dispatcher.Bounds(2, LEASE, Duration.ofMinutes(1)));
  private final String model = "m" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void startBroker() throws Exception {
    dir = Files.createTempDirectory("tessera-dispatcher-kafka");
    kafka = TestStack.services().startBroker(dir);
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
    TestDatabase.deleteTree(dir);
  }

  @AfterEach
  void closeQueues() {
    queues.close();
  }

  private void liveWorkers(int n) {
    for (int i = 0; i < n; i++) {
      workers.record(
          new WorkerHeartbeat(
              model + "-w" + i,
              List.of(model),
              WorkerHeartbeat.Activity.IDLE,
              null,
              Instant.now()));
    }
  }

  private List<RenderJob> queued() {
    return records().stream().map(r -> Json.decode(r.value(), RenderJob.class)).toList();
  }

  private List<ConsumerRecord<String, byte[]>> records() {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition p = new TopicPartition(Topics.jobs(model), 0);
      c.assign(List.of(p));
      c.seekToBeginning(List.of(p));
      long end = c.endOffsets(List.of(p)).get(p);
      while (c.position(p) < end) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofSeconds(1))) {
          found.add(r);
        }
      }
    }
    return found;
  }

  /** A job's submitting request id rides in its record's header; a job without one has none. */
  @Test
  void aRecordCarriesItsJobsRequestIdInAHeader() throws Exception {
    Instant t0 = Instant.now().minusSeconds(10);
    UUID traced = db.insertJob(model, null, 50, t0);
    UUID untraced = db.insertJob(model, null, 50, t0.plusMillis(1));
    try (Connection c = db.dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("UPDATE jobs SET request_id = ? WHERE id = ?")) {
      s.setString(1, "req-42");
      s.setObject(2, traced);
      assertEquals(1, s.executeUpdate());
    }
    liveWorkers(1);
    assertEquals(Map.of(model, 2), dispatcher.pass(Instant.now()));
    Map<UUID, String> headers = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : records()) {
      headers.put(UUID.fromString(r.key()), RequestIds.from(r.headers()));
    }
    assertEquals("req-42", headers.get(traced));
    assertTrue(headers.containsKey(untraced));
    assertNull(headers.get(untraced));
  }

  @Test
  void fillsAModelsQueueUpToTwoJobsPerLiveWorkerAndNoMore() throws Exception {
    Instant t0 = Instant.now().minusSeconds(10);
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(db.insertJob(model, null, 50, t0.plusMillis(i)));
    }
    assertEquals(Map.of(), dispatcher.pass(Instant.now()), "no live worker, no dispatch");

    liveWorkers(3);
    assertEquals(Map.of(model, 6), dispatcher.pass(Instant.now()));
    assertEquals(Map.of(), dispatcher.pass(Instant.now()), "the queue is full");
    List<RenderJob> records = queued();
    assertEquals(
        ids.subList(0, 6), records.stream().map(RenderJob::jobId).toList(), "oldest first");
    assertTrue(records.stream().allMatch(r -> r.attempt() == 1));
    assertEquals(JobState.DISPATCHED, jobs.find(ids.get(0)).orElseThrow().state());

    events.apply(new JobEvent.Started(ids.get(0), model + "-w0", 1, Instant.now()));
    events.apply(new JobEvent.Started(ids.get(1), model + "-w1", 1, Instant.now()));
    assertEquals(Map.of(model, 2), dispatcher.pass(Instant.now()), "two started: two slots");
    assertEquals(JobState.QUEUED, jobs.find(ids.get(9)).orElseThrow().state());
  }

  @Test
  void aPriorityJobGoesFirstThenTenantsAlternateByTheirShare() throws Exception {
    UUID big = db.insertTenant(1);
    UUID small = db.insertTenant(1);
    Instant t0 = Instant.now().minusSeconds(5);
    for (int i = 0; i < 20; i++) {
      db.insertJob(model, big, 50, t0.plusMillis(i));
    }
    UUID urgent = db.insertJob(model, big, 90, t0.plusSeconds(2));
    UUID s1 = db.insertJob(model, small, 50, t0.plusSeconds(3));
    UUID s2 = db.insertJob(model, small, 50, t0.plusSeconds(4));
    liveWorkers(2);

    dispatcher.pass(Instant.now());
    List<RenderJob> records = queued();
    assertEquals(4, records.size());
    assertEquals(urgent, records.get(0).jobId(), "priority 90 first");
    List<UUID> rest = records.subList(1, 4).stream().map(RenderJob::jobId).toList();
    assertTrue(
        rest.contains(s1) && rest.contains(s2), "the small tenant's jobs within the four: " + rest);
  }

  @Test
  void aJobWhoseStoredSettingsCannotBeReadFailsInsteadOfBlockingTheQueue() throws Exception {
    UUID broken = db.insertJob(model, null, 50, Instant.now().minusSeconds(5));
    db.execute("UPDATE jobs SET settings = '[]' WHERE id = '" + broken + "'");
    UUID fine = db.insertJob(model, null, 50, Instant.now());
    liveWorkers(1);
    assertEquals(Map.of(model, 1), dispatcher.pass(Instant.now()));
    var failed = jobs.find(broken).orElseThrow();
    assertEquals(JobState.FAILED, failed.state());
    assertTrue(
        failed.fields().error().startsWith("stored settings cannot be read"),
        failed.fields().error());
    assertEquals(JobState.DISPATCHED, jobs.find(fine).orElseThrow().state());
  }
}
