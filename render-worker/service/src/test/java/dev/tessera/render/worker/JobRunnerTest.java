package dev.tessera.render.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.JobEvent;
import dev.tessera.common.Json;
import dev.tessera.common.RenderJob;
import dev.tessera.common.RenderSettings;
import dev.tessera.common.StageTimings;
import dev.tessera.common.Topics;
import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.deploy.stack.BackingServices;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.deploy.stack.ObjectStore;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.Renderer;
import dev.tessera.render.upscale.LanczosUpscaler;
import dev.tessera.render.upscale.UpscaleMode;
import dev.tessera.render.worker.JobHandler.Outcome;
import dev.tessera.teststack.NeedsStack;
import dev.tessera.teststack.TestStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a job's end is reported by its kind: a request that can never succeed fails for good; a
 * failure that may pass (storage, ONNX Runtime) and a render stopped by shutdown are reported
 * retryable, whatever the attempt; a job its owner cancelled is reported canceled, rendered or not,
 * with nothing uploaded; every event carries the attempt of the job's record. Real renders, a real
 * S3 server and a real broker for the events.
 */
@NeedsStack
class JobRunnerTest {
  private static final String MODEL = "mini";

  @TempDir static Path dir;
  private static Broker kafka;
  private static ObjectStore s3;
  private static Renderer renderer;
  private static EventPublisher events;
  private static KafkaConsumer<String, byte[]> eventsConsumer;
  private static final List<JobEvent> seen = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    BackingServices services = TestStack.services();
    kafka = services.startBroker(dir.resolve("kafka"));
    s3 = services.startObjectStore(dir.resolve("s3"));
    KafkaAdmin.createTopics(kafka.bootstrapServers(), List.of(Topics.EVENTS), 1);
    renderer =
        Renderer.open(MiniatureFixtures.bundle(MiniatureKind.SD2, false), EngineOptions.defaults());
    events = new EventPublisher(kafka.bootstrapServers());
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "job-runner-test");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    eventsConsumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    eventsConsumer.subscribe(List.of(Topics.EVENTS));
  }

  @AfterAll
  static void stop() {
    eventsConsumer.close();
    events.close();
    renderer.close();
    s3.close();
    kafka.close();
  }

  /** A runner over the shared renderer (not closed here) storing into {@code store}. */
  private static JobRunner runner(ResultStore store) {
    return runner(store, new CancelledJobs(100));
  }

  private static JobRunner runner(ResultStore store, CancelledJobs cancelled) {
    return runner(store, cancelled, new WorkerMetrics(new SimpleMeterRegistry()));
  }

  private static JobRunner runner(
      ResultStore store, CancelledJobs cancelled, WorkerMetrics metrics) {
    return runner(store, ResultUploader.Policy.once(), cancelled, metrics);
  }

  private static JobRunner runner(
      ResultStore store,
      ResultUploader.Policy upload,
      CancelledJobs cancelled,
      WorkerMetrics metrics) {
    JobExecutor executor =
        new JobExecutor(
            Map.of(MODEL, renderer), Map.of(UpscaleMode.LANCZOS, new LanczosUpscaler()));
    return new JobRunner(
        executor,
        new ResultUploader(store::put, upload),
        events,
        cancelled,
        new NoActivity(),
        metrics,
        new JobRunner.Policy("w1", Duration.ofSeconds(5)),
        Clock.systemUTC());
  }

  private static ResultStore liveStore() throws Exception {
    ResultStore store = new ResultStore(s3.endpoint(), s3.accessKey(), s3.secretKey(), "tessera");
    store.ensureBucket();
    return store;
  }

  private static RenderJob job(String model, int targetSize) {
    RenderSettings settings =
        new RenderSettings("A person standing on road", "", 1, 2, 7, "euler", false, 128, 128);
    return new RenderJob(
        UUID.randomUUID(), model, settings, "lanczos", targetSize, Instant.now(), 1);
  }

  private static JobEvent.Failed failure(UUID jobId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (var record : eventsConsumer.poll(Duration.ofMillis(200))) {
        seen.add(Json.decode(record.value(), JobEvent.class));
      }
      for (JobEvent e : seen) {
        if (e.jobId().equals(jobId) && e instanceof JobEvent.Failed f) {
          return f;
        }
      }
    }
    throw new AssertionError("no Failed event for job " + jobId + "; seen " + seen);
  }

  @Test
  void anUnknownModelFailsForGood() throws Exception {
    RenderJob job = job("no-such-model", 512);
    assertEquals(Outcome.FAILED, runner(liveStore()).handle(Json.encode(job), new CancelToken()));
    JobEvent.Failed failed = failure(job.jobId());
    assertFalse(failed.retryable());
    assertTrue(failed.reason().contains("unknown model 'no-such-model'"), failed.reason());
  }

  @Test
  void aRequestTheEngineCannotTakeFailsForGood() throws Exception {
    // A target smaller than the render: the engine's TargetSize refuses it, on every attempt alike.
    RenderJob job = job(MODEL, 64);
    assertEquals(Outcome.FAILED, runner(liveStore()).handle(Json.encode(job), new CancelToken()));
    JobEvent.Failed failed = failure(job.jobId());
    assertFalse(failed.retryable());
    assertTrue(failed.reason().contains("64 is smaller than the 128x128 image"), failed.reason());
  }

  /** The scheduler counts attempts: the worker reports a storage failure retryable on any. */
  @Test
  void aStorageFailureIsRetryableWhateverTheAttempt() throws Exception {
    ResultStore unreachable = new ResultStore("http://127.0.0.1:1", "key", "secret", "tessera");
    for (int attempt : new int[] {1, 9}) {
      RenderJob job = job(MODEL, 512).dispatched(attempt);
      assertEquals(
          Outcome.RETRYABLE, runner(unreachable).handle(Json.encode(job), new CancelToken()));
      JobEvent.Failed failed = failure(job.jobId());
      assertTrue(failed.retryable(), failed.toString());
      assertEquals(attempt, failed.attempt());
      assertTrue(failed.reason().contains("object storage: upload of results/"), failed.reason());
    }
  }

  /**
   * S3 goes down as the job is rendered: the worker keeps the image and tries the upload again
   * until the server is back, then reports the job succeeded once, rendered once; the upload stage
   * spans the outage.
   */
  @Test
  void anObjectStoreOutageShorterThanTheLimitIsRiddenOutWithoutRenderingAgain() throws Exception {
    RenderJob job = job(MODEL, 512);
    JobRunner runner =
        runner(
            liveStore(),
            new ResultUploader.Policy(
                Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(60)),
            new CancelledJobs(100),
            new WorkerMetrics(new SimpleMeterRegistry()));
    Duration outage = Duration.ofSeconds(4);
    s3.stop();
    CompletableFuture<Outcome> outcome;
    try {
      outcome =
          CompletableFuture.supplyAsync(() -> runner.handle(Json.encode(job), new CancelToken()));
      Thread.sleep(outage.toMillis());
      assertFalse(outcome.isDone(), "still trying while S3 is down: " + eventsOf(job.jobId()));
    } finally {
      s3.restart();
    }
    assertEquals(Outcome.SUCCEEDED, outcome.get(60, TimeUnit.SECONDS));
    JobEvent.Succeeded done =
        assertInstanceOf(
            JobEvent.Succeeded.class, lastEventOf(job.jobId(), JobEvent.Succeeded.class));
    List<JobEvent> events = eventsOf(job.jobId());
    assertEquals(
        1, events.stream().filter(e -> e instanceof JobEvent.Started).count(), events.toString());
    assertTrue(events.stream().noneMatch(e -> e instanceof JobEvent.Failed), events.toString());
    double uploadMillis =
        done.timings().stream()
            .filter(t -> t.stage().equals("upload"))
            .mapToDouble(StageTimings.Entry::millis)
            .sum();
    assertTrue(
        uploadMillis >= outage.toMillis() - 1000,
        "the upload waited out the outage: " + done.timings());
    assertTrue(stored(job));
  }

  /**
   * S3 stays down past the limit: the job is handed back, reported retryable, naming the upload;
   * its next attempt, with S3 back, succeeds and stores the one result.
   */
  @Test
  void anObjectStoreOutageLongerThanTheLimitHandsTheJobBackForItsNextAttempt() throws Exception {
    RenderJob job = job(MODEL, 512);
    JobRunner runner =
        runner(
            liveStore(),
            new ResultUploader.Policy(
                Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(2)),
            new CancelledJobs(100),
            new WorkerMetrics(new SimpleMeterRegistry()));
    s3.stop();
    try {
      long start = System.nanoTime();
      assertEquals(Outcome.RETRYABLE, runner.handle(Json.encode(job), new CancelToken()));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "gave up within its limit: " + took);
    } finally {
      s3.restart();
    }
    JobEvent.Failed failed = failure(job.jobId());
    assertTrue(failed.retryable(), failed.toString());
    assertTrue(failed.reason().contains("object storage: upload of results/"), failed.reason());
    assertTrue(failed.reason().contains("the job is handed back"), failed.reason());
    assertFalse(stored(job));

    RenderJob again = job.dispatched(2);
    assertEquals(Outcome.SUCCEEDED, runner.handle(Json.encode(again), new CancelToken()));
    JobEvent done = lastEventOf(job.jobId(), JobEvent.Succeeded.class);
    assertEquals(2, done.attempt());
    assertTrue(stored(job));
  }

  /**
   * A render the worker's shutdown stops is reported failed and retryable, naming the worker, for
   * the scheduler to dispatch again at once: the queue will not deliver it again.
   */
  @Test
  void aRenderStoppedByShutdownIsReportedRetryable() throws Exception {
    RenderSettings slow =
        new RenderSettings("A person standing on road", "", 1, 400, 7, "euler", false, 256, 256);
    RenderJob job =
        new RenderJob(UUID.randomUUID(), MODEL, slow, "lanczos", 512, Instant.now(), 1)
            .dispatched(2);
    CancelToken token = new CancelToken();
    JobRunner runner = runner(liveStore());
    CompletableFuture<Outcome> outcome =
        CompletableFuture.supplyAsync(() -> runner.handle(Json.encode(job), token));
    JobEvent.Started started = assertInstanceOf(JobEvent.Started.class, firstEventOf(job.jobId()));
    assertEquals(2, started.attempt());
    token.cancel();
    assertEquals(Outcome.RETRYABLE, outcome.get(30, TimeUnit.SECONDS));
    JobEvent.Failed failed = failure(job.jobId());
    assertTrue(failed.retryable(), failed.toString());
    assertEquals(2, failed.attempt());
    assertEquals("worker w1 shut down during the render", failed.reason());
    assertFalse(stored(job), "nothing uploaded");
  }

  /** A record without an attempt was not dispatched by the scheduler: dropped, unrendered. */
  @Test
  void aJobWithoutAnAttemptIsDroppedUnreported() throws Exception {
    RenderJob undispatched =
        new RenderJob(
            UUID.randomUUID(), MODEL, job(MODEL, 512).settings(), "lanczos", 512, Instant.now(), 0);
    JobRunner runner = runner(liveStore());
    assertEquals(Outcome.DROPPED, runner.handle(Json.encode(undispatched), new CancelToken()));
    RenderJob next = job(MODEL, 512);
    assertEquals(Outcome.SUCCEEDED, runner.handle(Json.encode(next), new CancelToken()));
    lastEventOf(next.jobId(), JobEvent.Succeeded.class);
    // One partition: had the dropped job been reported, its events would have come first.
    assertTrue(
        seen.stream().noneMatch(e -> e.jobId().equals(undispatched.jobId())), seen.toString());
    assertFalse(stored(undispatched), "not rendered");
  }

  @Test
  void anUnreadableMessageIsDropped() throws Exception {
    assertEquals(
        Outcome.DROPPED,
        runner(liveStore())
            .handle("{not json".getBytes(StandardCharsets.UTF_8), new CancelToken()));
  }

  @Test
  void aJobKnownCancelledIsReportedCanceledUnrendered() throws Exception {
    CancelledJobs cancelled = new CancelledJobs(100);
    RenderJob job = job(MODEL, 512).dispatched(2);
    cancelled.add(job.jobId());
    CancelToken token = new CancelToken();
    assertEquals(Outcome.CANCELED, runner(liveStore(), cancelled).handle(Json.encode(job), token));
    JobEvent.Canceled canceled =
        assertInstanceOf(JobEvent.Canceled.class, firstEventOf(job.jobId()), "no Started first");
    assertEquals(2, canceled.attempt(), "the attempt of the job's record");
    assertFalse(stored(job), "nothing uploaded");
  }

  @Test
  void aCancelDuringTheRenderStopsItAndUploadsNothing() throws Exception {
    CancelledJobs cancelled = new CancelledJobs(100);
    RenderSettings slow =
        new RenderSettings("A person standing on road", "", 1, 400, 7, "euler", false, 256, 256);
    RenderJob job = new RenderJob(UUID.randomUUID(), MODEL, slow, "lanczos", 512, Instant.now(), 1);
    CancelToken token = new CancelToken();
    JobRunner runner = runner(liveStore(), cancelled);
    CompletableFuture<Outcome> outcome =
        CompletableFuture.supplyAsync(() -> runner.handle(Json.encode(job), token));
    assertInstanceOf(JobEvent.Started.class, firstEventOf(job.jobId()));
    cancelled.add(job.jobId());
    assertTrue(token.isCancelled(), "the render's token is cancelled by the add itself");
    assertEquals(Outcome.CANCELED, outcome.get(30, TimeUnit.SECONDS));
    assertInstanceOf(JobEvent.Canceled.class, lastEventOf(job.jobId(), JobEvent.Canceled.class));
    assertFalse(stored(job), "nothing uploaded");

    // The runner is free, and the cancel touched no other job.
    RenderJob next = job(MODEL, 512);
    assertEquals(
        Outcome.SUCCEEDED,
        runner.handle(Json.encode(next), new CancelToken()),
        "the next job renders");
    assertTrue(stored(next));
  }

  /** The busy gauge is 1 while a job is under way; each job taken counts once by its ending. */
  @Test
  void metricsShowTheJobUnderWayAndCountEachEnding() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CancelledJobs cancelled = new CancelledJobs(100);
    JobRunner runner = runner(liveStore(), cancelled, new WorkerMetrics(registry));
    assertEquals(0, registry.get("tessera.worker.busy").gauge().value());

    RenderSettings slow =
        new RenderSettings("A person standing on road", "", 1, 400, 7, "euler", false, 256, 256);
    RenderJob long_ =
        new RenderJob(UUID.randomUUID(), MODEL, slow, "lanczos", 512, Instant.now(), 1);
    CompletableFuture<Outcome> outcome =
        CompletableFuture.supplyAsync(() -> runner.handle(Json.encode(long_), new CancelToken()));
    assertInstanceOf(JobEvent.Started.class, firstEventOf(long_.jobId()));
    assertEquals(1, registry.get("tessera.worker.busy").gauge().value(), "busy while rendering");
    cancelled.add(long_.jobId());
    assertEquals(Outcome.CANCELED, outcome.get(30, TimeUnit.SECONDS));
    assertEquals(0, registry.get("tessera.worker.busy").gauge().value(), "idle again");

    assertEquals(Outcome.SUCCEEDED, runner.handle(Json.encode(job(MODEL, 512)), new CancelToken()));
    assertEquals(Outcome.FAILED, runner.handle(Json.encode(job(MODEL, 64)), new CancelToken()));
    assertEquals(
        Outcome.DROPPED,
        runner.handle("{not json".getBytes(StandardCharsets.UTF_8), new CancelToken()));
    for (String ending : List.of("cancelled", "succeeded", "failed")) {
      assertEquals(
          1,
          registry
              .get("tessera.worker.renders")
              .tags("model", MODEL, "outcome", ending)
              .counter()
              .count(),
          ending);
    }
    assertEquals(3, registry.find("tessera.worker.renders").counters().size(), "no dropped count");
  }

  /** The events of job {@code jobId} seen so far, reading what the broker has now. */
  private static List<JobEvent> eventsOf(UUID jobId) {
    for (var record : eventsConsumer.poll(Duration.ofMillis(500))) {
      seen.add(Json.decode(record.value(), JobEvent.class));
    }
    return seen.stream().filter(e -> e.jobId().equals(jobId)).toList();
  }

  private static boolean stored(RenderJob job) throws Exception {
    MinioClient client =
        MinioClient.builder()
            .endpoint(s3.endpoint())
            .credentials(s3.accessKey(), s3.secretKey())
            .build();
    try {
      client.statObject(
          StatObjectArgs.builder().bucket("tessera").object(ResultStore.key(job.jobId())).build());
      return true;
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())) {
        return false;
      }
      throw e;
    }
  }

  private static JobEvent lastEventOf(UUID jobId, Class<? extends JobEvent> type) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (var record : eventsConsumer.poll(Duration.ofMillis(200))) {
        seen.add(Json.decode(record.value(), JobEvent.class));
      }
      List<JobEvent> events = seen.stream().filter(e -> e.jobId().equals(jobId)).toList();
      if (!events.isEmpty() && type.isInstance(events.get(events.size() - 1))) {
        return events.get(events.size() - 1);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " for job " + jobId + "; seen " + seen);
  }

  private static JobEvent firstEventOf(UUID jobId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (var record : eventsConsumer.poll(Duration.ofMillis(200))) {
        seen.add(Json.decode(record.value(), JobEvent.class));
      }
      for (JobEvent e : seen) {
        if (e.jobId().equals(jobId)) {
          return e;
        }
      }
    }
    throw new AssertionError("no event for job " + jobId);
  }
}
