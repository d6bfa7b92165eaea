package dev.tessera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tessera.deploy.farm.AppProcess;
import dev.tessera.deploy.farm.FarmClient;
import dev.tessera.deploy.farm.FarmHome;
import dev.tessera.deploy.farm.LocalFarm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-job batching on the whole farm (real services, one worker JVM with {@code
 * TESSERA_BATCH_JOBS=4}, the untrained miniature model): compatible jobs queued before the worker
 * starts are denoised in batches; while a batch renders, the worker's heartbeats name every job of
 * it, so the scheduler keeps each one leased to it and dispatches none again; each job succeeds
 * once, at its first attempt, with its own image.
 */
class BatchingEndToEndTest {
  private static final int JOBS = 8;
  private static final int BATCH = 4;
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  @TempDir static Path state;
  private static LocalFarm farm;
  private static FarmClient client;

  @BeforeAll
  static void start() throws IOException {
    FarmHome checkout = FarmHome.current();
    // The scheduler puts as many jobs on the topic per worker as a batch holds, as the chart sets.
    farm =
        LocalFarm.start(
            new FarmHome(checkout.root(), state),
            LocalFarm.Options.defaults(0)
                .withSchedulerEnv(Map.of("TESSERA_DISPATCH_PER_WORKER", Integer.toString(BATCH))));
    client = new FarmClient(farm.gatewayUrl(), farm.apiKey());
  }

  @AfterAll
  static void stop() throws IOException {
    if (farm != null) {
      farm.close();
    }
  }

  @Test
  void compatibleJobsRenderInBatchesAndEachSucceedsOnceAtItsFirstAttempt() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      // the same size, steps and scheduler; each its own prompt and seed
      ids.add(
          client.submit(
              FarmClient.request("a lighthouse at dusk, number " + i)
                  .put("seed", 100 + i)
                  .put("steps", 60)
                  .put("upscale", "none")));
    }
    AppProcess worker =
        farm.addWorkers(
                1,
                Map.of(
                    "TESSERA_BATCH_JOBS",
                    Integer.toString(BATCH),
                    "TESSERA_HEARTBEAT_INTERVAL",
                    "300ms"))
            .get(0);

    int most = mostJobsAtOnce(worker.name(), ids);
    assertTrue(most >= 2, "the registry never showed the worker on two jobs at once: " + most);
    assertTrue(most <= BATCH, "more jobs at once than a batch holds: " + most);

    Set<String> images = new HashSet<>();
    for (String id : ids) {
      JsonNode done = client.awaitEnd(id, TIMEOUT, s -> {});
      assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
      assertEquals(1, done.path("attempts").asInt(), "never dispatched again: " + done);
      byte[] png = client.download(done);
      images.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png)));
    }
    assertEquals(JOBS, images.size(), "each job its own image");

    PrometheusText metrics = PrometheusText.parse(get(worker.url() + "/q/metrics"));
    double batches = metrics.sum("tessera_worker_batch_jobs_count", Map.of());
    System.out.printf(
        "%d jobs in %.0f UNet batches; the registry showed up to %d at once%n",
        JOBS, batches, most);
    assertEquals(JOBS, metrics.sum("tessera_worker_batch_jobs_sum", Map.of()), 0.0);
    assertTrue(batches < JOBS, "fewer UNet batches than jobs: " + batches);
  }

  /**
   * Follows the scheduler's registry until every job has ended; returns the most jobs the worker's
   * heartbeats named at once.
   */
  private static int mostJobsAtOnce(String worker, List<String> ids) throws Exception {
    UUID[] jobs = ids.stream().map(UUID::fromString).toArray(UUID[]::new);
    int most = 0;
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    try (Connection db = farm.stack().connect();
        PreparedStatement named =
            db.prepareStatement("SELECT cardinality(job_ids) FROM workers WHERE id = ?");
        PreparedStatement open =
            db.prepareStatement(
                "SELECT count(*) FROM jobs WHERE id = ANY (?)"
                    + " AND state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELED')")) {
      named.setString(1, worker);
      open.setArray(1, db.createArrayOf("uuid", jobs));
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = named.executeQuery()) {
          if (rs.next()) {
            most = Math.max(most, rs.getInt(1));
          }
        }
        try (ResultSet rs = open.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0) {
            return most;
          }
        }
        Thread.sleep(50);
      }
    }
    throw new AssertionError("the jobs did not all end in " + TIMEOUT);
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), url);
    return response.body();
  }
}
