package dev.tessera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.common.tenants.Tenant;
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
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler's dispatch on the whole farm (real services, two workers, separate JVMs, untrained
 * miniature models): fair turns between tenants, priority, leases taking jobs back from workers
 * that die or hang, the attempt limit, and a standby scheduler taking over.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DispatchEndToEndTest {
  private static final Duration LEASE = Duration.ofSeconds(10);
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

  @TempDir static Path state;
  private static LocalFarm farm;
  private static FarmClient a;
  private static FarmClient b;

  @BeforeAll
  static void start() throws Exception {
    FarmHome checkout = FarmHome.current();
    farm =
        LocalFarm.start(
            new FarmHome(checkout.root(), state),
            LocalFarm.Options.defaults(2)
                .withSchedulerEnv(
                    Map.of(
                        "TESSERA_LEASE_TIMEOUT", LEASE.toSeconds() + "s",
                        "TESSERA_LEASE_MAX_ATTEMPTS", "2",
                        "TESSERA_DISPATCH_SWEEP_INTERVAL", "1s")));
    a = client("tenant-a");
    b = client("tenant-b");
  }

  private static FarmClient client(String tenant) throws Exception {
    String key = farm.tenants().create(tenant, 1, Tenant.DEFAULT_MAX_QUEUED, 1000, false).key();
    return new FarmClient(farm.gatewayUrl(), key);
  }

  @AfterAll
  static void stop() throws IOException {
    if (farm != null) {
      farm.close();
    }
  }

  /** The cheapest render there is: 64×64, two steps, no upscale. */
  private static ObjectNode cheap(String prompt) {
    return FarmClient.request(prompt)
        .put("steps", 2)
        .put("width", 64)
        .put("height", 64)
        .put("upscale", "none");
  }

  /** A render of several seconds on one of this machine's cores. */
  private static ObjectNode slow(String prompt) {
    return FarmClient.request(prompt).put("steps", 300).put("upscale", "sr");
  }

  private static String cheapBatch(FarmClient client, int n, int priority) throws IOException {
    ObjectNode batch = JsonNodeFactory.instance.objectNode();
    batch
        .putObject("defaults")
        .put("steps", 2)
        .put("width", 64)
        .put("height", 64)
        .put("upscale", "none")
        .put("priority", priority);
    var items = batch.putArray("items");
    for (int i = 0; i < n; i++) {
      items.addObject().put("custom_id", "j" + i).put("prompt", "cheap " + i);
    }
    return client.submitBatch(batch);
  }

  /**
   * Tenant A queues 300 jobs, then tenant B 5: with two workers, every B job starts before A's 30th
   * does.
   */
  @Test
  @Order(1)
  void aSmallTenantIsServedBeforeABigOnesThirtiethJob() throws Exception {
    String batch = cheapBatch(a, 300, 50);
    List<String> bIds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      bIds.add(b.submit(cheap("tenant b " + i)));
    }
    for (String id : bIds) {
      assertEquals("SUCCEEDED", b.awaitEnd(id, JOB_TIMEOUT, s -> {}).path("state").asText());
    }
    Instant aThirtieth = nthStart(batch, 30);
    a.cancelBatch(batch);
    for (String id : bIds) {
      Instant started = started(UUID.fromString(id));
      assertTrue(
          started.isBefore(aThirtieth),
          "B's job " + id + " started " + started + ", A's 30th " + aThirtieth);
    }
    awaitBatchEnded(a, batch);
  }

  /** A priority-90 job queued behind 100 priority-50 ones starts within the next few dispatches. */
  @Test
  @Order(2)
  void aPriorityJobOvertakesAHundredQueuedOnes() throws Exception {
    String batch = cheapBatch(a, 100, 50);
    Thread.sleep(2000); // the batch is being worked on
    String urgent = a.submit(cheap("urgent").put("priority", 90));
    assertEquals("SUCCEEDED", a.awaitEnd(urgent, JOB_TIMEOUT, s -> {}).path("state").asText());
    UUID id = UUID.fromString(urgent);
    int overtaken;
    try (Connection db = database();
        PreparedStatement s =
            db.prepareStatement(
                "SELECT count(*) FROM jobs j, jobs u WHERE u.id = ? AND j.batch_id = ?"
                    + " AND j.started_at > u.created_at AND j.started_at < u.started_at")) {
      s.setObject(1, id);
      s.setObject(2, UUID.fromString(batch));
      ResultSet rs = s.executeQuery();
      rs.next();
      overtaken = rs.getInt(1);
    }
    a.cancelBatch(batch);
    // Already in Kafka when it came: at most 2 per worker.
    assertTrue(overtaken <= 4, overtaken + " batch jobs started between its submission and start");
    awaitBatchEnded(a, batch);
  }

  /** A worker that hangs (SIGSTOP) loses its job to the other worker once its lease expires. */
  @Test
  @Order(3)
  void aHungWorkersJobIsRenderedByAnother() throws Exception {
    String id = a.submit(slow("rendered while its first worker hangs"));
    String hung = awaitRunning(id, 1);
    AppProcess process = worker(hung);
    process.suspend();
    try {
      JsonNode done = a.awaitEnd(id, JOB_TIMEOUT, s -> {});
      assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
      assertEquals(2, done.path("attempts").asInt(), done.toString());
      assertTrue(!hung.equals(workerOf(id)), "rendered by the other worker: " + done);
    } finally {
      if (process.isAlive()) {
        process.resume();
      }
    }
  }

  /**
   * A worker SIGKILLed on a job's last allowed attempt (two here) leaves the job FAILED, saying so,
   * within the lease, not RUNNING.
   */
  @Test
  @Order(4)
  void aJobWhoseWorkerDiesOnItsLastAttemptFailsWithinTheLease() throws Exception {
    String id = a.submit(slow("its workers die"));
    worker(awaitRunning(id, 1)).kill();
    AppProcess second = worker(awaitRunning(id, 2));
    second.kill();
    long killed = System.nanoTime();
    JsonNode failed = a.awaitEnd(id, JOB_TIMEOUT, s -> {});
    Duration took = Duration.ofNanos(System.nanoTime() - killed);
    assertEquals("FAILED", failed.path("state").asText(), failed.toString());
    String error = failed.path("error").asText();
    assertTrue(
        error.startsWith("gave up after 2 of 2 attempts: worker " + second.name() + " lost"),
        error);
    assertTrue(
        took.compareTo(LEASE.plusSeconds(5)) < 0, "failed " + took + " after the kill: " + error);
  }

  /**
   * Two schedulers: the first leads; when it is killed the standby takes over within seconds, and
   * jobs keep being dispatched and recorded.
   */
  @Test
  @Order(5)
  void aStandbySchedulerTakesOverWhenTheLeaderDies() throws Exception {
    for (AppProcess w : farm.workers()) {
      w.awaitReady(Duration.ofMinutes(3));
    }
    farm.addScheduler();
    String before = a.submit(cheap("before the failover"));
    assertEquals("SUCCEEDED", a.awaitEnd(before, JOB_TIMEOUT, s -> {}).path("state").asText());
    farm.schedulers().get(0).kill();
    long killed = System.nanoTime();
    String after = a.submit(cheap("after the failover"));
    JsonNode done = a.awaitEnd(after, JOB_TIMEOUT, s -> {});
    assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
    Duration dispatchedWithin =
        Duration.between(
            Instant.now().minusNanos(System.nanoTime() - killed), started(UUID.fromString(after)));
    System.out.println("failover: job started " + dispatchedWithin + " after the leader died");
    assertTrue(
        dispatchedWithin.compareTo(Duration.ofSeconds(10)) < 0,
        "started " + dispatchedWithin + " after the kill");
    assertEquals(1, done.path("attempts").asInt(), "dispatched once: " + done);
  }

  private static AppProcess worker(String name) {
    return farm.workers().stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
  }

  /** Waits until the job renders as attempt {@code attempt}, and returns its worker. */
  private static String awaitRunning(String id, int attempt) throws Exception {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    try (Connection db = database();
        PreparedStatement s =
            db.prepareStatement(
                "SELECT state, attempt, worker_id, progress_step FROM jobs WHERE id = ?")) {
      s.setObject(1, UUID.fromString(id));
      while (System.nanoTime() < deadline) {
        ResultSet rs = s.executeQuery();
        if (rs.next()
            && "RUNNING".equals(rs.getString(1))
            && rs.getInt(2) == attempt
            && rs.getInt(4) > 0) {
          return rs.getString(3);
        }
        Thread.sleep(100);
      }
    }
    throw new AssertionError("job " + id + " never rendered as attempt " + attempt);
  }

  private static String workerOf(String id) throws Exception {
    try (Connection db = database();
        PreparedStatement s = db.prepareStatement("SELECT worker_id FROM jobs WHERE id = ?")) {
      s.setObject(1, UUID.fromString(id));
      ResultSet rs = s.executeQuery();
      rs.next();
      return rs.getString(1);
    }
  }

  private static Instant started(UUID id) throws Exception {
    try (Connection db = database();
        PreparedStatement s = db.prepareStatement("SELECT started_at FROM jobs WHERE id = ?")) {
      s.setObject(1, id);
      ResultSet rs = s.executeQuery();
      rs.next();
      return rs.getObject(1, OffsetDateTime.class).toInstant();
    }
  }

  /** When the batch's {@code n}th job started, waiting for it if need be. */
  private static Instant nthStart(String batch, int n) throws Exception {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    try (Connection db = database();
        PreparedStatement s =
            db.prepareStatement(
                "SELECT started_at FROM jobs WHERE batch_id = ? AND started_at IS NOT NULL"
                    + " ORDER BY started_at OFFSET ? LIMIT 1")) {
      s.setObject(1, UUID.fromString(batch));
      s.setInt(2, n - 1);
      while (System.nanoTime() < deadline) {
        ResultSet rs = s.executeQuery();
        if (rs.next()) {
          return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
        Thread.sleep(200);
      }
    }
    throw new AssertionError("the batch's job " + n + " never started");
  }

  private static void awaitBatchEnded(FarmClient client, String batch) throws Exception {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (!List.of("cancelled", "completed")
        .contains(client.batch(batch).path("state").asText())) {
      assertTrue(System.nanoTime() < deadline, "batch " + batch + ": " + client.batch(batch));
      Thread.sleep(250);
    }
  }

  private static Connection database() throws Exception {
    return farm.stack().connect();
  }
}
