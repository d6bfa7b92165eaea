package dev.tessera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.deploy.farm.AppProcess;
import dev.tessera.deploy.farm.FarmClient;
import dev.tessera.deploy.farm.FarmHome;
import dev.tessera.deploy.farm.LocalFarm;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole farm on real services, as {@code ./farm} runs it: PostgreSQL, a Kafka broker and an S3 server started
 * without Docker, then the scheduler, the gateway and two render workers as separate JVMs, all driven over HTTP.
 * Models are the untrained miniatures (they prove the pipeline, not the pictures).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmEndToEndTest {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(8);

  @TempDir static Path state;
  private static LocalFarm farm;
  private static FarmClient client;

  @BeforeAll
  static void start() throws IOException {
    FarmHome checkout = FarmHome.current();
    farm = LocalFarm.start(new FarmHome(checkout.root(), state), LocalFarm.Options.defaults(2));
    client = new FarmClient(farm.gatewayUrl());
  }

  @AfterAll
  static void stop() throws IOException {
    if (farm != null) {
      farm.close();
    }
  }

  /** A quick job: few steps, super-resolution to 2048 (the x4 path is exercised by one job of its own). */
  private static ObjectNode job(String prompt, int steps, String upscale) {
    return FarmClient.request(prompt).put("steps", steps).put("seed", 7).put("upscale", upscale);
  }

  private static void assertDelivered(JsonNode status) throws IOException {
    String id = status.path("id").asText();
    assertEquals("SUCCEEDED", status.path("state").asText(), "job " + id + ": " + status);
    List<String> stages = StreamSupport.stream(status.path("timings").spliterator(), false)
        .map(t -> t.path("stage").asText()).toList();
    assertTrue(stages.containsAll(List.of("text_encode", "denoise", "decode", "upscale", "png", "upload")),
        "job " + id + " timings: " + stages);
    byte[] png = client.download(status);
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      assertEquals("png", reader.getFormatName().toLowerCase());
      assertEquals(2048, reader.getWidth(0), "job " + id);
      assertEquals(2048, reader.getHeight(0), "job " + id);
    }
  }

  @Test
  @Order(1)
  void twentyJobsOverHttpAllSucceedWith2048PngsAndTimings() throws IOException {
    List<String> ids = new ArrayList<>();
    ids.add(client.submit(job("A person standing on road wearing jacket with Mountain in background", 4, "x4")));
    for (int i = 1; i < 20; i++) {
      ids.add(client.submit(job("A person standing on road, variation " + i, 3, "sr")));
    }
    for (String id : ids) {
      assertDelivered(client.awaitEnd(id, JOB_TIMEOUT, s -> {}));
    }
  }

  /**
   * A worker killed with SIGKILL mid-render: its job's lock lapses, the queue delivers it again, the other worker
   * renders it, and it completes once (one SUCCEEDED transition, one set of timings).
   */
  @Test
  @Order(2)
  void aJobOfAKilledWorkerIsRedeliveredAndCompletedOnce() throws Exception {
    String id = client.submit(job("A person standing on road in the rain, long render", 400, "sr"));
    String workerId = awaitRunningOn(id);
    AppProcess victim = farm.workers().stream().filter(w -> w.name().equals(workerId)).findFirst().orElseThrow();
    victim.kill();
    JsonNode status = client.awaitEnd(id, JOB_TIMEOUT, s -> {});
    assertDelivered(status);
    assertEquals(2, status.path("attempts").asInt(), "delivered twice: " + status);
    try (Connection db = database()) {
      ResultSet row = db.createStatement().executeQuery(
          "SELECT worker_id, (SELECT count(*) FROM job_timings t WHERE t.job_id = j.id),"
              + " (SELECT count(DISTINCT stage) FROM job_timings t WHERE t.job_id = j.id)"
              + " FROM jobs j WHERE id = '" + UUID.fromString(id) + "'");
      row.next();
      assertTrue(!row.getString(1).equals(workerId), "finished by the surviving worker");
      assertEquals(row.getInt(3), row.getInt(2), "one set of timings, no stage recorded twice");
    }
    farm.addWorker();
  }

  /** The broker down while jobs are submitted: the gateway's outbox keeps them; once it is back all are rendered. */
  @Test
  @Order(3)
  void jobsSubmittedWhileTheBrokerIsDownAreNotLost() throws IOException {
    farm.stack().kafka().stop();
    List<String> ids = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        ids.add(client.submit(job("submitted during a broker outage " + i, 3, "sr")));
      }
    } finally {
      farm.stack().kafka().restart();
    }
    for (String id : ids) {
      assertDelivered(client.awaitEnd(id, JOB_TIMEOUT, s -> {}));
    }
  }

  /** Polls the database until the job runs, and returns the worker that runs it. */
  private static String awaitRunningOn(String id) throws Exception {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    try (Connection db = database()) {
      while (System.nanoTime() < deadline) {
        ResultSet row = db.createStatement().executeQuery(
            "SELECT state, worker_id, progress_step FROM jobs WHERE id = '" + UUID.fromString(id) + "'");
        if (row.next() && "RUNNING".equals(row.getString(1)) && row.getInt(3) > 0) {
          return row.getString(2);
        }
        Thread.sleep(100);
      }
    }
    throw new AssertionError("job " + id + " never started rendering");
  }

  private static Connection database() throws Exception {
    return DriverManager.getConnection(farm.stack().jdbcUrl(), farm.stack().jdbcUser(), farm.stack().jdbcPassword());
  }
}
