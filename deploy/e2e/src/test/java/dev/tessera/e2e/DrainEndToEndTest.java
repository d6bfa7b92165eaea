package dev.tessera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.common.JobEvent;
import dev.tessera.common.Json;
import dev.tessera.common.Topics;
import dev.tessera.deploy.farm.AppProcess;
import dev.tessera.deploy.farm.FarmClient;
import dev.tessera.deploy.farm.FarmHome;
import dev.tessera.deploy.farm.LocalFarm;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-in on the whole farm (real services, worker JVMs, untrained miniature models): a worker
 * sent SIGTERM mid-job drains. Within its drain time it finishes the job itself; past it, it hands
 * the job back and another worker finishes it. Either way it exits with status 0 and the job
 * succeeds exactly once. Renders are made slow by their settings (steps, the sr upscale), not by
 * sleeps.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrainEndToEndTest {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration EXIT_TIMEOUT = Duration.ofMinutes(3);

  @TempDir static Path state;
  private static LocalFarm farm;
  private static FarmClient client;

  @BeforeAll
  static void start() throws IOException {
    FarmHome checkout = FarmHome.current();
    // No worker yet: each test starts the workers it needs, with their drain times.
    farm = LocalFarm.start(new FarmHome(checkout.root(), state), LocalFarm.Options.defaults(0));
    client = new FarmClient(farm.gatewayUrl(), farm.apiKey());
  }

  @AfterAll
  static void stop() throws IOException {
    if (farm != null) {
      farm.close();
    }
  }

  /** A render of several seconds on this machine's cores (300 steps, then the sr upscale). */
  private static ObjectNode slow(String prompt) {
    return FarmClient.request(prompt).put("steps", 300).put("upscale", "sr");
  }

  /**
   * Drain time longer than the render: the worker finishes the job itself while its heartbeats say
   * DRAINING (so a job queued meanwhile is not dispatched for it), then exits 0.
   */
  @Test
  @Order(1)
  void aWorkerToldToStopFinishesItsJobOnceAndExitsZero() throws Exception {
    AppProcess worker = farm.addWorkers(1, Map.of("TESSERA_DRAIN_TIMEOUT", "120s")).get(0);
    String id = client.submit(slow("finished by a draining worker"));
    assertEquals(worker.name(), awaitRunning(id, 1));

    farm.retireWorker(worker.name());
    awaitActivity(worker.name(), "DRAINING", UUID.fromString(id));
    String queued =
        client.submit(
            FarmClient.request("queued while the only worker drains").put("upscale", "none"));

    OptionalInt exit = worker.awaitExit(EXIT_TIMEOUT);
    assertEquals(OptionalInt.of(0), exit, "the drained worker's exit status");
    JsonNode done = client.awaitEnd(id, JOB_TIMEOUT, s -> {});
    assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
    assertEquals(1, done.path("attempts").asInt(), done.toString());
    assertEquals(worker.name(), workerOf(id));
    assertEquals("STOPPED", activity(worker.name()));

    List<JobEvent> ends = endsOf(UUID.fromString(id));
    assertEquals(1, ends.size(), "one ending: " + ends);
    JobEvent.Succeeded succeeded = assertInstanceOf(JobEvent.Succeeded.class, ends.get(0));
    assertEquals(worker.name(), succeeded.workerId());

    JsonNode waiting = client.status(queued);
    assertEquals("QUEUED", waiting.path("state").asText(), "not dispatched during the drain");
    assertEquals(0, waiting.path("attempts").asInt(), waiting.toString());
    client.cancel(queued);
    assertEquals("CANCELED", client.awaitEnd(queued, JOB_TIMEOUT, s -> {}).path("state").asText());
  }

  /**
   * Drain time shorter than the render: the worker hands the job back (reported failed and
   * retryable) and exits 0; the scheduler dispatches it again and the other worker finishes it,
   * once.
   */
  @Test
  @Order(2)
  void aJobOutlastingTheDrainIsHandedBackAndFinishedOnceByAnotherWorker() throws Exception {
    farm.addWorkers(2, Map.of("TESSERA_DRAIN_TIMEOUT", "1s"));
    String id = client.submit(slow("handed back by a draining worker"));
    String first = awaitRunning(id, 1);

    AppProcess drained = farm.retireWorker(first);
    OptionalInt exit = drained.awaitExit(EXIT_TIMEOUT);
    assertEquals(OptionalInt.of(0), exit, "the drained worker's exit status");
    JsonNode done = client.awaitEnd(id, JOB_TIMEOUT, s -> {});
    assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
    assertEquals(2, done.path("attempts").asInt(), done.toString());
    String second = workerOf(id);
    assertNotEquals(first, second, "finished by the other worker");

    List<JobEvent> ends = endsOf(UUID.fromString(id));
    assertEquals(2, ends.size(), "one ending per attempt: " + ends);
    JobEvent.Failed handedBack = assertInstanceOf(JobEvent.Failed.class, ends.get(0));
    assertEquals(first, handedBack.workerId());
    assertEquals(1, handedBack.attempt());
    assertTrue(handedBack.retryable(), handedBack.toString());
    JobEvent.Succeeded succeeded = assertInstanceOf(JobEvent.Succeeded.class, ends.get(1));
    assertEquals(second, succeeded.workerId());
    assertEquals(2, succeeded.attempt());
  }

  /** Waits until the job renders (a step done) as attempt {@code attempt}; returns its worker. */
  private static String awaitRunning(String id, int attempt) throws Exception {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    try (Connection db = database();
        PreparedStatement s =
            db.prepareStatement(
                "SELECT state, attempt, worker_id, progress_step FROM jobs WHERE id = ?")) {
      s.setObject(1, UUID.fromString(id));
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next()
              && "RUNNING".equals(rs.getString(1))
              && rs.getInt(2) == attempt
              && rs.getInt(4) > 0) {
            return rs.getString(3);
          }
        }
        Thread.sleep(100);
      }
    }
    throw new AssertionError("job " + id + " never rendered as attempt " + attempt);
  }

  /** Waits until the scheduler's registry shows the worker {@code activity} on {@code job}. */
  private static void awaitActivity(String worker, String activity, UUID job) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (Connection db = database();
        PreparedStatement s =
            db.prepareStatement("SELECT activity, job_id FROM workers WHERE id = ?")) {
      s.setString(1, worker);
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next()
              && activity.equals(rs.getString(1))
              && job.equals(rs.getObject(2, UUID.class))) {
            return;
          }
        }
        Thread.sleep(100);
      }
    }
    throw new AssertionError(worker + " never reported " + activity + " on job " + job);
  }

  private static String activity(String worker) throws Exception {
    return column("SELECT activity FROM workers WHERE id = ?", worker);
  }

  private static String workerOf(String id) throws Exception {
    return column("SELECT worker_id FROM jobs WHERE id = ?::uuid", id);
  }

  private static String column(String sql, String key) throws Exception {
    try (Connection db = database();
        PreparedStatement s = db.prepareStatement(sql)) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /**
   * The job's endings (succeeded, failed, canceled) on {@code render.events}, in the order of its
   * partition (events are keyed by job).
   */
  private static List<JobEvent> endsOf(UUID job) {
    List<JobEvent> ends = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, farm.stack().kafka().bootstrapServers()),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.EVENTS).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertTrue(System.nanoTime() < deadline, "render.events not read to its end in 30 s");
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          JobEvent event = Json.decode(record.value(), JobEvent.class);
          if (event.jobId().equals(job)
              && (event instanceof JobEvent.Succeeded
                  || event instanceof JobEvent.Failed
                  || event instanceof JobEvent.Canceled)) {
            ends.add(event);
          }
        }
      }
    }
    return ends;
  }

  private static Connection database() throws Exception {
    return farm.stack().connect();
  }
}
