package dev.tessera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.deploy.farm.AppProcess;
import dev.tessera.deploy.farm.FarmClient;
import dev.tessera.deploy.farm.FarmHome;
import dev.tessera.deploy.farm.JobTimeline;
import dev.tessera.deploy.farm.LocalFarm;
import dev.tessera.teststack.NodeClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * The whole farm on real services, as {@code ./farm} runs it: PostgreSQL, a Kafka broker and an S3
 * server started without Docker, then the scheduler, the gateway and one render worker (a second
 * joins for the later tests) as separate JVMs, all driven over HTTP, with the launcher restarting a
 * worker that dies. Models are the untrained miniatures (they prove the pipeline, not the
 * pictures).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmEndToEndTest {
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(8);

  /** How long metrics may take to catch up: the gauges are sampled every second here. */
  private static final Duration SETTLE = Duration.ofSeconds(30);

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The scheduler's lease: short, so that a killed worker's job is taken back within the tests. */
  private static final Duration LEASE = Duration.ofSeconds(10);

  @TempDir static Path state;
  private static LocalFarm farm;
  private static FarmClient client;

  @BeforeAll
  static void start() throws IOException {
    FarmHome checkout = FarmHome.current();
    farm =
        LocalFarm.start(
            new FarmHome(checkout.root(), state),
            LocalFarm.Options.defaults(1)
                .withSchedulerEnv(
                    Map.of(
                        "TESSERA_LEASE_TIMEOUT",
                        LEASE.toSeconds() + "s",
                        "TESSERA_DISPATCH_SWEEP_INTERVAL",
                        "1s",
                        "TESSERA_METRICS_INTERVAL",
                        "1s")));
    client = new FarmClient(farm.gatewayUrl(), farm.apiKey());
  }

  @AfterAll
  static void stop() throws IOException {
    if (farm != null) {
      farm.close();
    }
  }

  private static ObjectNode job(String prompt, int steps, String upscale) {
    return FarmClient.request(prompt).put("steps", steps).put("seed", 7).put("upscale", upscale);
  }

  /** A job that renders for several seconds on a worker of its own (about 10 s on 2 cores). */
  private static ObjectNode longJob(int i) {
    return job("a long render " + i, 400, "sr").put("width", 768).put("height", 768);
  }

  private static void assertDelivered(JsonNode status) throws IOException {
    String id = status.path("id").asText();
    assertEquals("SUCCEEDED", status.path("state").asText(), "job " + id + ": " + status);
    List<String> stages =
        StreamSupport.stream(status.path("timings").spliterator(), false)
            .map(t -> t.path("stage").asText())
            .toList();
    assertTrue(
        stages.containsAll(List.of("text_encode", "denoise", "decode", "upscale", "png", "upload")),
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

  /**
   * One worker, two long jobs, then ten short ones, all queued at once: each is rendered once, and
   * the worker starts the next job as soon as one ends.
   */
  @Test
  @Order(1)
  void oneWorkerRendersLongThenShortJobsOnceEachWithoutGaps() throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      ids.add(client.submit(i < 2 ? longJob(i) : job("a short render " + i, 3, "sr")));
    }
    awaitAll(ids);
    JobTimeline timeline = timeline(ids);
    System.out.print("one worker, 2 long + 10 short jobs:\n" + timeline.report());
    for (JobTimeline.Run run : timeline.runs()) {
      assertEquals("SUCCEEDED", run.state(), run.toString());
      assertEquals(1, run.attempts(), "rendered once: " + run);
    }
    String worker = farm.workers().get(0).name();
    assertEquals(List.of(worker), timeline.workers());
    assertTrue(
        timeline.longestGap(worker).compareTo(Duration.ofSeconds(3)) < 0,
        "no wait between jobs while jobs were queued: " + timeline.report());
    assertLoopClean(farm.workers().get(0));
  }

  /**
   * Still one worker: a running job cancelled over HTTP stops and ends CANCELED without a result, a
   * job queued behind it and cancelled is never rendered, and the worker renders the next job.
   */
  @Test
  @Order(2)
  void aCancelledJobEndsCanceledAndTheWorkerRendersTheNextJob() throws Exception {
    String running = client.submit(longJob(99));
    String queued = client.submit(job("cancelled while queued", 3, "sr"));
    String next = client.submit(job("rendered after the cancels", 3, "sr"));
    String worker = awaitRunningOn(running);
    assertTrue(client.cancel(queued).hasNonNull("cancel_requested_at"));
    client.cancel(running);

    JsonNode stopped = client.awaitEnd(running, Duration.ofSeconds(60), s -> {});
    assertEquals("CANCELED", stopped.path("state").asText(), stopped.toString());
    assertTrue(stopped.path("result_url").isNull(), stopped.toString());
    assertEquals(0, stopped.path("timings").size(), "no stage recorded: " + stopped);
    assertEquals("CANCELED", client.cancel(running).path("state").asText(), "asked again");
    JsonNode neverRun = client.awaitEnd(queued, Duration.ofSeconds(60), s -> {});
    assertEquals("CANCELED", neverRun.path("state").asText(), neverRun.toString());
    assertTrue(neverRun.path("started_at").isNull(), "never started: " + neverRun);
    assertEquals(0, neverRun.path("timings").size(), "never rendered: " + neverRun);
    assertDelivered(client.awaitEnd(next, JOB_TIMEOUT, s -> {}));
    try (Connection db = database()) {
      ResultSet row =
          db.createStatement()
              .executeQuery(
                  "SELECT worker_id FROM jobs WHERE id = '" + UUID.fromString(next) + "'");
      row.next();
      assertEquals(worker, row.getString(1), "the same worker rendered the next job");
    }
    assertLoopClean(farm.workers().get(0));
  }

  /**
   * Two workers, thirty mixed jobs, one worker SIGKILLed mid-job: every job succeeds, the killed
   * one's job is taken back once its lease expires and dispatched once more (and recorded once),
   * the surviving worker never waits beside the backlog, and the launcher restarts the killed
   * worker.
   */
  @Test
  @Order(3)
  void thirtyMixedJobsSurviveAWorkerKilledMidJob() throws Exception {
    farm.addWorker();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ids.add(client.submit(i < 3 ? longJob(i) : job("a short render " + i, 3, "sr")));
    }
    String killedJob = ids.get(0);
    String victimName = awaitRunningOn(killedJob);
    AppProcess victim =
        farm.workers().stream().filter(w -> w.name().equals(victimName)).findFirst().orElseThrow();
    victim.kill();
    awaitAll(ids);
    JobTimeline timeline = timeline(ids);
    System.out.print(
        "two workers, 3 long + 27 short jobs, " + victimName + " killed:\n" + timeline.report());
    for (JobTimeline.Run run : timeline.runs()) {
      assertEquals("SUCCEEDED", run.state(), run.toString());
      int expected = run.id().toString().equals(killedJob) ? 2 : 1;
      assertEquals(expected, run.attempts(), "attempts of " + run);
    }
    try (Connection db = database()) {
      ResultSet row =
          db.createStatement()
              .executeQuery(
                  "SELECT (SELECT count(*) FROM job_timings t WHERE t.job_id = j.id),"
                      + " (SELECT count(DISTINCT stage) FROM job_timings t WHERE t.job_id = j.id)"
                      + " FROM jobs j WHERE id = '"
                      + UUID.fromString(killedJob)
                      + "'");
      row.next();
      assertEquals(row.getInt(2), row.getInt(1), "one set of timings, no stage recorded twice");
    }
    String survivor =
        farm.workers().stream()
            .map(AppProcess::name)
            .filter(n -> !n.equals(victimName))
            .findFirst()
            .orElseThrow();
    Duration bound = Duration.ofNanos((long) (1.3 * timeline.busy(survivor).toNanos())).plus(LEASE);
    assertTrue(
        timeline.wall().compareTo(bound) <= 0,
        "wall "
            + timeline.wall()
            + " within 1.3 x the survivor's busy time + one lease: "
            + timeline.report());
    assertTrue(
        timeline.longestGap(survivor).compareTo(Duration.ofSeconds(3)) < 0,
        "the survivor never waited beside the backlog: " + timeline.report());
    AppProcess survivorProcess =
        farm.workers().stream().filter(w -> w.name().equals(survivor)).findFirst().orElseThrow();
    assertLoopClean(survivorProcess);
    assertEquals(1, farm.restarts(victimName), "the launcher restarted the killed worker");
    AppProcess restarted =
        farm.workers().stream().filter(w -> w.name().equals(victimName)).findFirst().orElseThrow();
    assertTrue(restarted.pid() != victim.pid(), "a new process");
    restarted.awaitReady(Duration.ofMinutes(3));
  }

  /**
   * A quick job: few steps, super-resolution to 2048 (the x4 path is exercised by one job of its
   * own).
   */
  @Test
  @Order(4)
  void twentyJobsOverHttpAllSucceedWith2048PngsAndTimings() throws IOException {
    List<String> ids = new ArrayList<>();
    ids.add(
        client.submit(
            job("A person standing on road wearing jacket with Mountain in background", 4, "x4")));
    for (int i = 1; i < 20; i++) {
      ids.add(client.submit(job("A person standing on road, variation " + i, 3, "sr")));
    }
    for (String id : ids) {
      assertDelivered(client.awaitEnd(id, JOB_TIMEOUT, s -> {}));
    }
  }

  /** A small batch rendered to the end, and its results file naming each job's PNG. */
  @Test
  @Order(5)
  void aBatchIsRenderedAndItsResultsListEveryJob() throws Exception {
    ObjectNode batch = JsonNodeFactory.instance.objectNode();
    batch.putObject("defaults").put("steps", 3).put("upscale", "sr").put("seed", 11);
    var items = batch.putArray("items");
    for (int i = 0; i < 3; i++) {
      items.addObject().put("custom_id", "frame-" + i).put("prompt", "a lighthouse, frame " + i);
    }
    String id = client.submitBatch(batch);
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (!"completed".equals(client.batch(id).path("state").asText())) {
      assertTrue(System.nanoTime() < deadline, "batch " + id + ": " + client.batch(id));
      Thread.sleep(250);
    }
    assertEquals(3, client.batch(id).path("request_counts").path("succeeded").asInt());
    List<JsonNode> results = client.batchResults(id);
    assertEquals(
        List.of("frame-0", "frame-1", "frame-2"),
        results.stream().map(r -> r.path("custom_id").asText()).toList());
    for (JsonNode result : results) {
      assertEquals("SUCCEEDED", result.path("state").asText(), result.toString());
      assertDelivered(client.status(result.path("job_id").asText()));
    }
  }

  /**
   * The broker down while jobs are submitted: they wait in PostgreSQL, the dispatcher retries, and
   * once the broker is back all are rendered.
   */
  @Test
  @Order(6)
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

  /**
   * The official {@code openai} npm package, unmodified, against the farm's gateway: the images it
   * asks for are rendered by the worker (the same client script as the gateway's own test).
   */
  @Test
  @Order(7)
  void theOfficialOpenAiClientGetsImagesRenderedByTheFarm() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        NodeClient.available(), "node and npm are needed to run the OpenAI SDK");
    Path root = FarmHome.current().root();
    NodeClient node =
        NodeClient.install(
            root.resolve("api-gateway/src/test/node/openai-client"),
            root.resolve("deploy/e2e/target/openai-client"));
    String out =
        node.node(
            "openai-client.mjs",
            java.util.Map.of(
                "OPENAI_BASE_URL", farm.gatewayUrl() + "/v1", "OPENAI_API_KEY", farm.apiKey()),
            Duration.ofMinutes(10));
    JsonNode seen = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
    System.out.println("openai sdk on the farm: " + seen);
    assertEquals(2, seen.path("base64").path("images").size(), out);
    for (JsonNode image : seen.path("base64").path("images")) {
      assertTrue(image.path("png").asBoolean(), out);
      assertEquals(256, image.path("width").asInt(), out);
    }
    JsonNode downloaded = seen.path("urls").path("images").get(0);
    assertEquals(200, downloaded.path("status").asInt(), out);
    assertEquals(1024, downloaded.path("width").asInt(), out);
    assertEquals(400, seen.path("refused").path("status").asInt(), out);
  }

  /**
   * Prometheus metrics on the farm, scraped from {@code /q/metrics} of the gateway, the scheduler
   * and every worker. After one job that succeeds, one cancelled while it renders, and one the
   * dispatcher fails (a row whose stored settings no worker could read, written straight to the
   * database: the gateway accepts nothing of the kind), each counter moved by exactly those jobs,
   * the stage histograms by one render, and the gauges settle at an empty backlog, every worker
   * idle and an empty outbox.
   */
  @Test
  @Order(8)
  void metricsFollowTheJobs() throws Exception {
    String model = LocalFarm.Options.defaults(1).modelName();
    Map<String, String> demo = Map.of("model", model, "tenant", LocalFarm.DEMO_TENANT);
    PrometheusText gatewayBefore = scrape(farm.gatewayUrl());
    PrometheusText schedulerBefore = scrape(farm.schedulers().get(0).url());
    List<PrometheusText> workersBefore = new ArrayList<>();
    for (AppProcess w : farm.workers()) {
      workersBefore.add(scrape(w.url()));
    }

    String cancelled = client.submit(longJob(100));
    AppProcess rendering = worker(awaitRunningOn(cancelled));
    assertEquals(
        Optional.of(1.0),
        scrape(rendering.url()).value("tessera_worker_busy", Map.of()),
        "busy while rendering");
    client.cancel(cancelled);
    String succeeded = client.submit(job("counted by the metrics", 3, "sr"));
    UUID failed = insertUnreadableJob(model);
    assertEquals(
        "CANCELED", client.awaitEnd(cancelled, JOB_TIMEOUT, s -> {}).path("state").asText());
    assertDelivered(client.awaitEnd(succeeded, JOB_TIMEOUT, s -> {}));
    // Read from the database: the gateway cannot show a job whose settings it cannot read either.
    eventually(() -> assertEquals("FAILED", stateOf(failed)));

    eventually(
        () -> {
          PrometheusText gateway = scrape(farm.gatewayUrl());
          assertEquals(
              2,
              delta(gatewayBefore, gateway, "tessera_jobs_submitted_total", demo),
              "submitted over HTTP");
          assertEquals(Optional.of(0.0), gateway.value("tessera_outbox_pending", Map.of()));
          assertEquals(Optional.of(0.0), gateway.value("tessera_outbox_lag_seconds", Map.of()));
        });
    eventually(
        () -> {
          PrometheusText scheduler = scrape(farm.schedulers().get(0).url());
          Map<String, Double> expected =
              Map.of("started", 2.0, "succeeded", 1.0, "cancelled", 1.0, "failed", 1.0);
          expected.forEach(
              (what, n) ->
                  assertEquals(
                      n,
                      delta(schedulerBefore, scheduler, "tessera_jobs_" + what + "_total", demo),
                      what));
          for (String stage : List.of("denoise", "upscale", "png", "upload")) {
            assertEquals(
                1,
                delta(
                    schedulerBefore, scheduler, "tessera_stage_seconds_count", stage(model, stage)),
                stage + " timed once: the cancelled job recorded no stage");
          }
          assertEquals(
              2,
              delta(
                  schedulerBefore,
                  scheduler,
                  "tessera_stage_seconds_count",
                  stage(model, "queue_wait")),
              "both started jobs waited in the queue");
          for (String state : List.of("queued", "dispatched")) {
            assertEquals(
                Optional.of(0.0),
                scheduler.value("tessera_jobs_backlog", Map.of("model", model, "state", state)),
                state);
          }
          assertEquals(
              Optional.of((double) farm.workers().size()),
              scheduler.value("tessera_workers", Map.of("model", model, "status", "idle")),
              "every worker live and idle");
          assertEquals(
              Optional.of(0.0),
              scheduler.value("tessera_workers", Map.of("model", model, "status", "busy")));
        });
    eventually(
        () -> {
          Map<String, Double> renders = new HashMap<>();
          for (int i = 0; i < farm.workers().size(); i++) {
            PrometheusText worker = scrape(farm.workers().get(i).url());
            assertEquals(Optional.of(0.0), worker.value("tessera_worker_busy", Map.of()), "idle");
            for (String outcome : List.of("succeeded", "cancelled", "failed")) {
              renders.merge(
                  outcome,
                  delta(
                      workersBefore.get(i),
                      worker,
                      "tessera_worker_renders_total",
                      Map.of("model", model, "outcome", outcome)),
                  Double::sum);
            }
          }
          assertEquals(
              Map.of("succeeded", 1.0, "cancelled", 1.0, "failed", 0.0),
              renders,
              "the failed job never reached a worker");
        });
  }

  private static Map<String, String> stage(String model, String stage) {
    return Map.of("model", model, "stage", stage);
  }

  private static double delta(
      PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  private static PrometheusText scrape(String baseUrl) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/q/metrics"))
            .timeout(Duration.ofSeconds(10))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), baseUrl + "/q/metrics: " + response.body());
      return PrometheusText.parse(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while scraping " + baseUrl, e);
    }
  }

  private interface Check {
    void run() throws Exception;
  }

  /** Runs {@code check} until it passes; past {@link #SETTLE} its last failure stands. */
  private static void eventually(Check check) throws Exception {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  /**
   * A QUEUED job of the demo tenant whose stored settings cannot be read, as the gateway never
   * writes one: the dispatcher fails it rather than let it block its tenant's turn.
   */
  private static UUID insertUnreadableJob(String model) throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection db = database();
        PreparedStatement s =
            db.prepareStatement(
                "INSERT INTO jobs (id, tenant_id, model, settings, upscale, target_size)"
                    + " SELECT ?, id, ?, '{\"steps\": \"many\"}', 'sr', 2048 FROM tenants"
                    + " WHERE name = ?")) {
      s.setObject(1, id);
      s.setString(2, model);
      s.setString(3, LocalFarm.DEMO_TENANT);
      assertEquals(1, s.executeUpdate());
    }
    return id;
  }

  private static String stateOf(UUID id) throws Exception {
    try (Connection db = database();
        PreparedStatement s = db.prepareStatement("SELECT state FROM jobs WHERE id = ?")) {
      s.setObject(1, id);
      ResultSet rs = s.executeQuery();
      rs.next();
      return rs.getString(1);
    }
  }

  private static AppProcess worker(String name) {
    return farm.workers().stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
  }

  private static void awaitAll(List<String> ids) throws IOException {
    for (String id : ids) {
      client.awaitEnd(id, JOB_TIMEOUT, s -> {});
    }
  }

  private static JobTimeline timeline(List<String> ids) throws IOException {
    return JobTimeline.read(farm.stack(), ids.stream().map(UUID::fromString).toList());
  }

  /**
   * The worker's queue loop took jobs, had no acceptance refused, and was never handed a record
   * while busy.
   */
  private static void assertLoopClean(AppProcess worker) throws Exception {
    assertEquals(200, worker.liveness());
    JsonNode data = worker.livenessData();
    assertTrue(data.path("jobs").asLong() > 0, "took jobs: " + data);
    for (String counter : List.of("failed_acknowledgements", "released_unstarted", "reconnects")) {
      assertEquals(0, data.path(counter).asLong(), counter + ": " + data);
    }
  }

  /** Polls the database until the job runs, and returns the worker that runs it. */
  private static String awaitRunningOn(String id) throws Exception {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    try (Connection db = database()) {
      while (System.nanoTime() < deadline) {
        ResultSet row =
            db.createStatement()
                .executeQuery(
                    "SELECT state, worker_id, progress_step FROM jobs WHERE id = '"
                        + UUID.fromString(id)
                        + "'");
        if (row.next() && "RUNNING".equals(row.getString(1)) && row.getInt(3) > 0) {
          return row.getString(2);
        }
        Thread.sleep(100);
      }
    }
    throw new AssertionError("job " + id + " never started rendering");
  }

  private static Connection database() throws Exception {
    return farm.stack().connect();
  }
}
