package dev.tessera.render.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.RenderRequest;
import dev.tessera.render.pipeline.Renderer;
import dev.tessera.teststack.NeedsStack;
import dev.tessera.teststack.TestStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-job batching in the queue loop against a real Kafka broker and a real S3 server: a worker
 * taking up to 4 jobs renders the compatible queued ones in one batch, and uploads and reports each
 * on its own. Miniature model (untrained: pipeline, not pictures).
 */
@NeedsStack
class BatchedWorkerTest {
  /** One model, so one queue, per test: each test's share group reads its queue from the start. */
  private static final List<String> MODELS = List.of("mini-four", "mini-mixed", "mini-cancel");

  private static final int BATCH = 4;

  /** Byte values may differ by float rounding where the UNet's kernels sum in another order. */
  private static final int TOLERANCE = 2;

  @TempDir static Path dir;
  private static Broker kafka;
  private static ObjectStore s3;
  private static ResultStore store;
  private static Renderer renderer;
  private static JobExecutor executor;
  private static EventPublisher events;
  private static KafkaConsumer<String, byte[]> eventsConsumer;
  private static final List<JobEvent> seen = new ArrayList<>();
  private static final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeAll
  static void start() throws Exception {
    BackingServices services = TestStack.services();
    kafka = services.startBroker(dir.resolve("kafka"));
    s3 = services.startObjectStore(dir.resolve("s3"));
    KafkaAdmin.createTopics(
        kafka.bootstrapServers(), MODELS.stream().map(Topics::jobs).toList(), 1);
    KafkaAdmin.createTopics(kafka.bootstrapServers(), List.of(Topics.EVENTS), 1);
    store = new ResultStore(s3.endpoint(), s3.accessKey(), s3.secretKey(), "tessera");
    store.ensureBucket();
    renderer =
        Renderer.open(MiniatureFixtures.bundle(MiniatureKind.SD2, false), EngineOptions.defaults());
    executor =
        new JobExecutor(
            Map.of(MODELS.get(0), renderer, MODELS.get(1), renderer, MODELS.get(2), renderer),
            Map.of());
    events = new EventPublisher(kafka.bootstrapServers());
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "events-batch-test");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    eventsConsumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    eventsConsumer.subscribe(List.of(Topics.EVENTS));
  }

  @AfterAll
  static void stop() throws Exception {
    eventsConsumer.close();
    executor.close();
    s3.close();
    kafka.close();
  }

  /** Heartbeat activity as the runner reports it. */
  private static final class Recorded implements JobRunner.Activity {
    final List<List<UUID>> busy = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void busy(List<UUID> jobIds) {
      busy.add(List.copyOf(jobIds));
    }

    @Override
    public void idle() {}
  }

  /**
   * A worker of batch size {@link #BATCH} in its own share group, started once the jobs are queued
   * so that its first poll finds them all; whose uploads of {@code failingUploads} fail.
   */
  private static RenderWorker startWorker(String model, Recorded activity, Set<UUID> failingUploads)
      throws Exception {
    return startWorker(model, activity, failingUploads, new CancelledJobs(1000));
  }

  private static RenderWorker startWorker(
      String model, Recorded activity, Set<UUID> failingUploads, CancelledJobs cancelled)
      throws Exception {
    String group = "workers-" + model;
    KafkaAdmin.readShareGroupFromEarliest(kafka.bootstrapServers(), group);
    ResultUploader.Destination destination =
        (jobId, png) -> {
          if (failingUploads.contains(jobId)) {
            throw new IOException("S3 refused the upload of " + jobId + " (test)");
          }
          return store.put(jobId, png);
        };
    JobRunner runner =
        new JobRunner(
            executor,
            new ResultUploader(destination, ResultUploader.Policy.once()),
            events,
            cancelled,
            activity,
            new WorkerMetrics(meters),
            new JobRunner.Policy("w-batch", Duration.ofSeconds(10)),
            Clock.systemUTC());
    RenderWorker worker =
        new RenderWorker(
            kafka.bootstrapServers(), group, List.of(Topics.jobs(model)), runner, BATCH);
    new Thread(worker, "worker-loop-" + group).start();
    return worker;
  }

  private static RenderJob job(String model, String prompt, long seed, double guidance, int steps) {
    RenderSettings settings =
        new RenderSettings(prompt, "blurry", seed, steps, guidance, "euler-a", false, 96, 64);
    return new RenderJob(UUID.randomUUID(), model, settings, "none", 0, Instant.now(), 1);
  }

  private static void submit(List<RenderJob> jobs) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (RenderJob job : jobs) {
        producer
            .send(
                new ProducerRecord<>(
                    Topics.jobs(job.model()), job.jobId().toString(), Json.encode(job)))
            .get();
      }
    }
  }

  /**
   * Reads events until every job of {@code jobs} has ended, then a little longer for stray ones.
   */
  private static void awaitEnded(List<RenderJob> jobs) {
    long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
    while (!jobs.stream().allMatch(j -> ended(j.jobId()))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("jobs did not all end; events so far: " + seen);
      }
      poll();
    }
    long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (System.nanoTime() < settle) {
      poll();
    }
  }

  private static void poll() {
    for (var record : eventsConsumer.poll(Duration.ofMillis(100))) {
      seen.add(Json.decode(record.value(), JobEvent.class));
    }
  }

  private static boolean ended(UUID jobId) {
    return seen.stream()
        .anyMatch(
            e ->
                e.jobId().equals(jobId)
                    && (e instanceof JobEvent.Succeeded
                        || e instanceof JobEvent.Failed
                        || e instanceof JobEvent.Canceled));
  }

  private static <T extends JobEvent> List<T> events(UUID jobId, Class<T> type) {
    return seen.stream()
        .filter(e -> e.jobId().equals(jobId) && type.isInstance(e))
        .map(type::cast)
        .toList();
  }

  private static String denoiseDetail(JobEvent.Succeeded done) {
    return done.timings().stream()
        .filter(t -> t.stage().equals("denoise"))
        .map(StageTimings.Entry::detail)
        .findFirst()
        .orElseThrow();
  }

  /** The stored PNG of {@code done} equals the job's image rendered alone, within rounding. */
  private static void assertRenderedAsAlone(RenderJob job, JobEvent.Succeeded done)
      throws Exception {
    RgbImage alone =
        renderer
            .render(
                RenderRequest.of(job.settings().withDefaults()),
                RenderListener.NONE,
                new CancelToken())
            .image();
    BufferedImage stored;
    try (var in =
        MinioClient.builder()
            .endpoint(s3.endpoint())
            .credentials(s3.accessKey(), s3.secretKey())
            .build()
            .getObject(
                GetObjectArgs.builder().bucket("tessera").object(done.objectKey()).build())) {
      stored = ImageIO.read(in);
    }
    RgbImage batched = RgbImage.of(stored, stored.getWidth(), stored.getHeight());
    assertEquals(alone.width(), batched.width());
    assertEquals(alone.height(), batched.height());
    int max = 0;
    for (int i = 0; i < alone.rgb().length; i++) {
      max = Math.max(max, Math.abs((alone.rgb()[i] & 0xff) - (batched.rgb()[i] & 0xff)));
    }
    assertTrue(max <= TOLERANCE, "job " + job.jobId() + " differs from alone by up to " + max);
  }

  @Test
  void fourCompatibleQueuedJobsRenderInOneBatchEachSucceedingOnceWithItsOwnImage()
      throws Exception {
    String m = MODELS.get(0);
    List<RenderJob> jobs =
        List.of(
            job(m, "a lighthouse at dusk", 1, 7.5, 4),
            job(m, "a red bicycle in the rain", 2, 3, 4),
            job(m, "mountains under snow", 3, 12, 4),
            job(m, "a lighthouse at dusk", 4, 7.5, 4));
    submit(jobs);
    Recorded activity = new Recorded();
    RenderWorker worker = startWorker(m, activity, Set.of());
    try {
      awaitEnded(jobs);
    } finally {
      worker.close();
      assertTrue(worker.awaitStopped(Duration.ofSeconds(30)));
    }
    for (RenderJob job : jobs) {
      assertEquals(1, events(job.jobId(), JobEvent.Started.class).size(), "started once");
      List<JobEvent.Succeeded> done = events(job.jobId(), JobEvent.Succeeded.class);
      assertEquals(1, done.size(), "succeeded once");
      assertEquals(List.of(), events(job.jobId(), JobEvent.Failed.class));
      assertEquals("results/" + job.jobId() + ".png", done.get(0).objectKey());
      assertTrue(
          denoiseDetail(done.get(0)).endsWith("batch of 4"),
          "rendered in one batch of 4: " + denoiseDetail(done.get(0)));
      assertTrue(
          events(job.jobId(), JobEvent.Progress.class).stream()
              .anyMatch(p -> p.step() == 4 && p.total() == 4),
          "each job reports its own progress");
      assertRenderedAsAlone(job, done.get(0));
    }
    assertEquals(
        List.of(jobs.stream().map(RenderJob::jobId).toList()),
        activity.busy,
        "the heartbeats name every job of the batch");
    assertEquals(4, worker.status().jobs());
    var batches = meters.get("tessera.worker.batch.jobs").tag("model", m).summary();
    assertEquals(1, batches.count(), "one batch");
    assertEquals(4, batches.max(), "of four jobs");
  }

  @Test
  void incompatibleJobsRenderApartAndOneFailedUploadFailsOnlyItsJob() throws Exception {
    String m = MODELS.get(1);
    RenderJob failing = job(m, "a harbour", 11, 7, 3);
    List<RenderJob> jobs =
        List.of(
            job(m, "a castle", 10, 7, 3),
            job(m, "a forest", 12, 5, 5), // other steps: never in the others' batch
            failing,
            job(m, "a desert", 13, 9, 3));
    submit(jobs);
    RenderWorker worker = startWorker(m, new Recorded(), Set.of(failing.jobId()));
    try {
      awaitEnded(jobs);
    } finally {
      worker.close();
      assertTrue(worker.awaitStopped(Duration.ofSeconds(30)));
    }
    JobEvent.Failed failed =
        assertInstanceOf(
            JobEvent.Failed.class, events(failing.jobId(), JobEvent.Failed.class).get(0));
    assertTrue(failed.retryable(), "a failed upload is retryable");
    assertTrue(failed.reason().contains("S3 refused"), failed.reason());
    assertEquals(List.of(), events(failing.jobId(), JobEvent.Succeeded.class));
    for (RenderJob job : List.of(jobs.get(0), jobs.get(3))) {
      JobEvent.Succeeded done = events(job.jobId(), JobEvent.Succeeded.class).get(0);
      assertTrue(denoiseDetail(done).endsWith("batch of 3"), denoiseDetail(done));
      assertRenderedAsAlone(job, done);
    }
    JobEvent.Succeeded apart = events(jobs.get(1).jobId(), JobEvent.Succeeded.class).get(0);
    assertTrue(
        !denoiseDetail(apart).contains("batch of"), "rendered alone: " + denoiseDetail(apart));
    assertRenderedAsAlone(jobs.get(1), apart);
  }

  /**
   * An owner's cancel of one job mid-batch drops that job from the batch (reported canceled,
   * nothing uploaded); the others finish with the images they get alone.
   */
  @Test
  void aJobCancelledMidBatchIsDroppedAndTheOthersFinishUnchanged() throws Exception {
    String m = MODELS.get(2);
    List<RenderJob> jobs =
        List.of(
            job(m, "a castle", 21, 7, 150),
            job(m, "a forest", 22, 7, 150),
            job(m, "a desert", 23, 7, 150));
    UUID victim = jobs.get(1).jobId();
    submit(jobs);
    CancelledJobs cancelled = new CancelledJobs(1000);
    RenderWorker worker = startWorker(m, new Recorded(), Set.of(), cancelled);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (events(victim, JobEvent.Progress.class).isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "the batch did not start: " + seen);
        poll();
      }
      cancelled.add(victim); // as the control reader does when the owner's cancel arrives
      awaitEnded(jobs);
    } finally {
      worker.close();
      assertTrue(worker.awaitStopped(Duration.ofSeconds(30)));
    }
    assertEquals(1, events(victim, JobEvent.Canceled.class).size(), "reported canceled");
    assertEquals(List.of(), events(victim, JobEvent.Succeeded.class));
    int lastStep =
        events(victim, JobEvent.Progress.class).stream()
            .mapToInt(JobEvent.Progress::step)
            .max()
            .orElseThrow();
    assertTrue(lastStep < 150, "stopped before the end, at step " + lastStep);
    for (RenderJob job : List.of(jobs.get(0), jobs.get(2))) {
      JobEvent.Succeeded done = events(job.jobId(), JobEvent.Succeeded.class).get(0);
      assertTrue(denoiseDetail(done).endsWith("batch of 3"), denoiseDetail(done));
      assertRenderedAsAlone(job, done);
    }
  }
}
