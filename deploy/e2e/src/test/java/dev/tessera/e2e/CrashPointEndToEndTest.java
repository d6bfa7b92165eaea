package dev.tessera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.common.CrashPoint;
import dev.tessera.common.JobState;
import dev.tessera.common.JobStateMachine;
import dev.tessera.deploy.farm.AppProcess;
import dev.tessera.deploy.farm.FarmClient;
import dev.tessera.deploy.farm.FarmHome;
import dev.tessera.deploy.farm.LocalFarm;
import dev.tessera.deploy.soak.Reconciliation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two crashes no signal can time from outside, made real by {@link CrashPoint}s (the process
 * halts, as under SIGKILL, at the armed point) on the whole farm: the gateway dying after it
 * committed a submission and before it answered, and a scheduler dying after it applied part of a
 * poll of {@code render.events} and before it committed any offset. A trigger records every change
 * of a job's state ({@link Reconciliation#installAudit}), so the tests count what was applied.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashPointEndToEndTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(6);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path state;
  private static FarmHome home;
  private static LocalFarm farm;
  private static FarmClient client;

  @BeforeAll
  static void start() throws Exception {
    home = new FarmHome(FarmHome.current().root(), state);
    farm = LocalFarm.start(home, LocalFarm.Options.defaults(1));
    client = new FarmClient(farm.gatewayUrl(), farm.apiKey());
    try (Connection db = database()) {
      Reconciliation.installAudit(db);
    }
  }

  @AfterAll
  static void stop() throws IOException {
    if (farm != null) {
      farm.close();
    }
  }

  @Test
  @Order(1)
  void aGatewayKilledBetweenCommitAndAnswerLeavesTheJobOnceAndTheRetryFindsIt() throws Exception {
    String key = UUID.randomUUID().toString();
    String body =
        "{\"prompt\": \"a gateway crash "
            + key
            + "\", \"steps\": 2, \"width\": 64,"
            + " \"height\": 64, \"upscale\": \"none\"}";
    long jobsBefore = count("SELECT count(*) FROM jobs");
    farm.restartGateway(Map.of("TESSERA_CRASH_AT", CrashPoint.GATEWAY_AFTER_COMMIT.label()));

    // The client gets no answer: the gateway halts between its commit and its 202.
    assertThrows(IOException.class, () -> post(key, body));
    assertCrashed(farm.gateway(), "api-gateway", CrashPoint.GATEWAY_AFTER_COMMIT);
    assertEquals(jobsBefore + 1, count("SELECT count(*) FROM jobs"), "the commit stands");
    UUID stored = storedJob(key);

    farm.restartGateway(Map.of());
    for (int retry = 1; retry <= 2; retry++) {
      HttpResponse<String> answer = post(key, body);
      assertEquals(202, answer.statusCode(), answer.body());
      assertEquals("true", answer.headers().firstValue("Idempotent-Replayed").orElse(null));
      assertEquals(stored.toString(), JSON.readTree(answer.body()).path("id").asText());
      assertEquals(
          "/v1/jobs/" + stored, answer.headers().firstValue("Location").orElse(null), "retry");
    }
    assertEquals(jobsBefore + 1, count("SELECT count(*) FROM jobs"), "the retries created nothing");

    JsonNode ended = client.awaitEnd(stored.toString(), TIMEOUT, status -> {});
    assertEquals("SUCCEEDED", ended.path("state").asText(), ended.toString());
    assertEquals(1, ended.path("attempts").asInt(), "dispatched once: " + ended);
    assertEquals(
        List.of("QUEUED->DISPATCHED", "DISPATCHED->RUNNING", "RUNNING->SUCCEEDED"),
        transitions(stored),
        "rendered once");
  }

  @Test
  @Order(2)
  void aSchedulerKilledMidBatchAppliesNoEventTwiceAndSkipsNone() throws Exception {
    // A second scheduler armed to crash mid-batch takes half of render.events' partitions.
    AppProcess armed =
        farm.addScheduler(Map.of("TESSERA_CRASH_AT", CrashPoint.SCHEDULER_MID_BATCH.label()));
    List<UUID> jobs = new ArrayList<>();
    // Jobs go in until the crash: the armed scheduler owns partitions of render.events only once
    // the group has rebalanced, which on an idle machine can take longer than a first round of
    // jobs takes to end. Frozen for a few seconds (less than the group's session), it then finds
    // several events waiting at its next poll, and crashes after applying half of them.
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    do {
      assertTrue(System.nanoTime() < deadline, "the armed scheduler never crashed mid-batch");
      for (int i = 0; i < 4; i++) {
        jobs.add(
            UUID.fromString(
                client.submit(
                    FarmClient.request("a scheduler crash " + jobs.size())
                        .put("steps", 8)
                        .put("width", 64)
                        .put("height", 64)
                        .put("upscale", "none"))));
      }
      try {
        armed.suspend();
        Thread.sleep(4_000);
        armed.resume();
      } catch (IOException e) {
        if (armed.isAlive()) {
          throw e;
        }
      }
    } while (armed.awaitExit(Duration.ofSeconds(5)).isEmpty());
    assertCrashed(armed, armed.name(), CrashPoint.SCHEDULER_MID_BATCH);
    farm.addScheduler(); // the restart; the first scheduler took the crashed one's partitions

    for (UUID job : jobs) {
      JsonNode ended = client.awaitEnd(job.toString(), TIMEOUT, status -> {});
      assertEquals("SUCCEEDED", ended.path("state").asText(), "none skipped: " + ended);
      List<String> changes = transitions(job);
      int attempts = ended.path("attempts").asInt();
      assertEquals(
          attempts,
          changes.stream().filter(c -> c.endsWith("->DISPATCHED")).count(),
          "one dispatch per attempt: " + changes);
      assertEquals(
          1,
          changes.stream().filter(c -> c.equals("RUNNING->SUCCEEDED")).count(),
          "succeeded once: " + changes);
      for (String change : changes) {
        String[] states = change.split("->");
        assertTrue(
            JobStateMachine.allows(JobState.valueOf(states[0]), JobState.valueOf(states[1])),
            "forbidden change " + change + " of " + job);
      }
    }
    String ids = "ARRAY['" + String.join("','", jobs.stream().map(UUID::toString).toList()) + "']";
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM (SELECT job_id, stage FROM job_timings WHERE job_id::text = ANY ("
                + ids
                + ") GROUP BY job_id, stage HAVING count(*) > 1) d"),
        "a stage timed twice");
    assertEquals(
        jobs.size(),
        count(
            "SELECT count(DISTINCT job_id) FROM job_timings WHERE job_id::text = ANY ("
                + ids
                + ")"),
        "every job's timings recorded");
  }

  /** Asserts that {@code process} exited at {@code point}: its status and its log say so. */
  private static void assertCrashed(AppProcess process, String name, CrashPoint point)
      throws Exception {
    OptionalInt status = process.awaitExit(Duration.ofMinutes(1));
    assertEquals(OptionalInt.of(CrashPoint.EXIT_STATUS), status, name + " exit status");
    String log = Files.readString(home.run().resolve("logs/" + name + ".log"));
    assertTrue(log.contains("crashing at " + point.label()), name + " log names the crash point");
  }

  private static HttpResponse<String> post(String key, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(farm.gatewayUrl() + "/v1/jobs"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + farm.apiKey())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "\"" + key + "\"")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The job the answer stored under {@code key} names (202, {@code Location: /v1/jobs/<id>}). */
  private static UUID storedJob(String key) throws SQLException {
    try (Connection db = database();
        PreparedStatement q =
            db.prepareStatement("SELECT status, location FROM idempotency_keys WHERE key = ?")) {
      q.setString(1, key);
      try (ResultSet rs = q.executeQuery()) {
        assertTrue(rs.next(), "the answer was stored with the job");
        assertEquals(202, rs.getInt(1));
        String location = rs.getString(2);
        assertTrue(!rs.next(), "one stored answer");
        return UUID.fromString(location.substring("/v1/jobs/".length()));
      }
    }
  }

  /** The job's state changes, oldest first, as {@code FROM->TO}. */
  private static List<String> transitions(UUID job) throws SQLException {
    try (Connection db = database();
        PreparedStatement q =
            db.prepareStatement(
                "SELECT from_state, to_state FROM soak_transitions WHERE job_id = ? ORDER BY seq")) {
      q.setObject(1, job);
      List<String> changes = new ArrayList<>();
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          changes.add(rs.getString(1) + "->" + rs.getString(2));
        }
      }
      return changes;
    }
  }

  private static long count(String sql) throws SQLException {
    try (Connection db = database();
        PreparedStatement q = db.prepareStatement(sql);
        ResultSet rs = q.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Connection database() throws SQLException {
    return farm.stack().connect();
  }
}
