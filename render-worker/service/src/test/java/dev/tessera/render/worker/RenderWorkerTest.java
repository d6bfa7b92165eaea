package dev.tessera.render.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.ControlMessage;
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
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.Renderer;
import dev.tessera.render.upscale.LanczosUpscaler;
import dev.tessera.render.upscale.UpscaleMode;
import dev.tessera.teststack.NeedsStack;
import dev.tessera.teststack.TestStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
 * The worker's queue loop, job runner and control reader against a real Kafka broker and a real S3
 * server; cancellations are published to {@code render.control} as the gateway's relay does.
 */
@NeedsStack
class RenderWorkerTest {
  private static final String MODEL = "mini";
  private static final String GROUP = "workers-test";

  @TempDir static Path dir;
  private static Broker kafka;
  private static ObjectStore s3;
  private static RenderWorker worker;
  private static Thread loop;
  private static KafkaConsumer<String, byte[]> eventsConsumer;
  private static ControlReader controlReader;

  /** Every event read so far, of any job. */
  private static final List<JobEvent> seen = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    BackingServices services = TestStack.services();
    kafka = services.startBroker(dir.resolve("kafka"));
    s3 = services.startObjectStore(dir.resolve("s3"));
    KafkaAdmin.createTopics(kafka.bootstrapServers(), java.util.List.of(Topics.jobs(MODEL)), 1);
    KafkaAdmin.createTopics(kafka.bootstrapServers(), java.util.List.of(Topics.EVENTS), 1);
    KafkaAdmin.createControlTopic(kafka.bootstrapServers());
    KafkaAdmin.readShareGroupFromEarliest(kafka.bootstrapServers(), GROUP);
    // A lock far shorter than a long render, so a long job is delivered once only if the worker
    // accepted it before rendering.
    KafkaAdmin.setRecordLock(kafka.bootstrapServers(), GROUP, Duration.ofSeconds(2));
    ResultStore store = new ResultStore(s3.endpoint(), s3.accessKey(), s3.secretKey(), "tessera");
    store.ensureBucket();
    Renderer renderer =
        Renderer.open(MiniatureFixtures.bundle(MiniatureKind.SD2, false), EngineOptions.defaults());
    JobExecutor executor =
        new JobExecutor(
            Map.of(MODEL, renderer), Map.of(UpscaleMode.LANCZOS, new LanczosUpscaler()));
    EventPublisher events = new EventPublisher(kafka.bootstrapServers());
    CancelledJobs cancelled = new CancelledJobs(1000);
    controlReader = new ControlReader(kafka.bootstrapServers(), cancelled);
    controlReader.start();
    assertTrue(controlReader.awaitCaughtUp(Duration.ofSeconds(30)));
    JobRunner runner =
        new JobRunner(
            executor,
            new ResultUploader(store::put, ResultUploader.Policy.once()),
            events,
            cancelled,
            new NoActivity(),
            new WorkerMetrics(new SimpleMeterRegistry()),
            new JobRunner.Policy("w1", Duration.ZERO),
            Clock.systemUTC());
    worker = new RenderWorker(kafka.bootstrapServers(), GROUP, List.of(Topics.jobs(MODEL)), runner);
    loop = new Thread(worker, "worker-loop");
    loop.start();
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "events-test");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    eventsConsumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    eventsConsumer.subscribe(List.of(Topics.EVENTS));
  }

  @AfterAll
  static void stop() throws Exception {
    worker.close();
    loop.join(30_000);
    controlReader.close();
    eventsConsumer.close();
    s3.close();
    kafka.close();
  }

  private static void submit(RenderJob job) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.jobs(job.model()), job.jobId().toString(), Json.encode(job)))
          .get();
    }
  }

  /** Publishes the owner's cancel of {@code jobId}, as the gateway's outbox relay does. */
  private static void cancel(UUID jobId) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.CONTROL,
                  jobId.toString(),
                  Json.encode(new ControlMessage.Cancel(jobId, Instant.now()))))
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** The events of {@code jobId} up to and including its first terminal one. */
  private static List<JobEvent> eventsUntilDone(UUID jobId) {
    return eventsUntil(
        jobId,
        e ->
            e instanceof JobEvent.Succeeded
                || e instanceof JobEvent.Failed
                || e instanceof JobEvent.Canceled);
  }

  /** The events of {@code jobId} up to and including the first that {@code last} accepts. */
  private static List<JobEvent> eventsUntil(UUID jobId, Predicate<JobEvent> last) {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      List<JobEvent> events = seen.stream().filter(e -> e.jobId().equals(jobId)).toList();
      for (int i = 0; i < events.size(); i++) {
        if (last.test(events.get(i))) {
          return events.subList(0, i + 1);
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("job " + jobId + " did not get there; events so far: " + events);
      }
      for (var record : eventsConsumer.poll(Duration.ofMillis(100))) {
        seen.add(Json.decode(record.value(), JobEvent.class));
      }
    }
  }

  private static long started(UUID jobId) {
    return seen.stream()
        .filter(e -> e.jobId().equals(jobId) && e instanceof JobEvent.Started)
        .count();
  }

  private static boolean stored(UUID jobId) throws Exception {
    try {
      s3Client()
          .statObject(
              StatObjectArgs.builder().bucket("tessera").object(ResultStore.key(jobId)).build());
      return true;
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())) {
        return false;
      }
      throw e;
    }
  }

  private static MinioClient s3Client() {
    return MinioClient.builder()
        .endpoint(s3.endpoint())
        .credentials(s3.accessKey(), s3.secretKey())
        .build();
  }

  private static RenderJob job(String model, int steps) {
    RenderSettings settings =
        new RenderSettings("A person standing on road", "", 3, steps, 7, "euler", false, 128, 128);
    return new RenderJob(UUID.randomUUID(), model, settings, "lanczos", 512, Instant.now(), 1);
  }

  @Test
  void aJobIsRenderedUploadedAndReportedWithItsTimings() throws Exception {
    RenderJob job = job(MODEL, 3);
    submit(job);
    List<JobEvent> events = eventsUntilDone(job.jobId());
    assertInstanceOf(JobEvent.Started.class, events.get(0));
    assertEquals(1, events.get(0).attempt());
    JobEvent.Succeeded done =
        assertInstanceOf(JobEvent.Succeeded.class, events.get(events.size() - 1));
    assertTrue(
        events.stream()
            .anyMatch(e -> e instanceof JobEvent.Progress p && p.step() == 3 && p.total() == 3));
    assertEquals("results/" + job.jobId() + ".png", done.objectKey());
    assertEquals(
        List.of("tokenize", "text_encode", "denoise", "decode", "upscale", "png", "upload"),
        done.timings().stream().map(StageTimings.Entry::stage).toList());
    try (var in =
        s3Client()
            .getObject(
                GetObjectArgs.builder().bucket("tessera").object(done.objectKey()).build())) {
      BufferedImage png = ImageIO.read(in);
      assertEquals(512, png.getWidth());
      assertEquals(512, png.getHeight());
    }
  }

  /**
   * With a 2 s lock, a render of several seconds is delivered once only because it was accepted
   * before it started: one delivery, one result.
   */
  @Test
  void aLongJobOutlastingItsLockIsDeliveredOnce() throws Exception {
    RenderSettings slow =
        new RenderSettings("A person standing on road", "", 5, 400, 7, "euler", false, 512, 512);
    RenderJob job = new RenderJob(UUID.randomUUID(), MODEL, slow, "lanczos", 512, Instant.now(), 1);
    long t0 = System.nanoTime();
    submit(job);
    List<JobEvent> events = eventsUntilDone(job.jobId());
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertTrue(seconds > 4, "the render must outlast two lock periods; took " + seconds + " s");
    assertInstanceOf(JobEvent.Succeeded.class, events.get(events.size() - 1));
    assertTrue(events.stream().allMatch(e -> e.attempt() == 1), "one delivery: " + events);
    assertEquals(1, events.stream().filter(e -> e instanceof JobEvent.Started).count());
  }

  /**
   * Two renders of several lock periods, then ten short ones, all queued at once: a busy worker
   * fetches nothing, so no queued job's lock lapses behind a long one. Each job is delivered once,
   * and each starts as soon as the one before it ends.
   */
  @Test
  void longJobsThenShortOnesRunOnceEachWithoutGaps() throws Exception {
    RenderWorker.Status before = worker.status();
    List<RenderJob> jobs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      int steps = i < 2 ? 300 : 20;
      RenderSettings settings =
          new RenderSettings(
              "A person standing on road", "", i, steps, 7, "euler", false, 512, 512);
      jobs.add(new RenderJob(UUID.randomUUID(), MODEL, settings, "lanczos", 512, Instant.now(), 1));
    }
    long t0 = System.nanoTime();
    for (RenderJob job : jobs) {
      submit(job);
    }
    List<List<JobEvent>> runs = new ArrayList<>();
    for (RenderJob job : jobs) {
      runs.add(eventsUntilDone(job.jobId()));
    }
    double firstRender = (System.nanoTime() - t0) / 1e9;
    for (int i = 0; i < jobs.size(); i++) {
      UUID id = jobs.get(i).jobId();
      assertInstanceOf(
          JobEvent.Succeeded.class, runs.get(i).get(runs.get(i).size() - 1), "job " + i);
      assertEquals(
          1,
          seen.stream().filter(e -> e.jobId().equals(id) && e instanceof JobEvent.Started).count(),
          "job " + i + " rendered once: " + runs.get(i));
      assertTrue(
          runs.get(i).stream().allMatch(e -> e.attempt() == 1), "job " + i + " delivered once");
    }
    for (int i = 1; i < jobs.size(); i++) {
      Instant previousEnd = runs.get(i - 1).get(runs.get(i - 1).size() - 1).at();
      Instant start = runs.get(i).get(0).at();
      Duration gap = Duration.between(previousEnd, start);
      assertTrue(
          gap.compareTo(Duration.ofSeconds(1)) < 0,
          "job " + i + " started " + gap + " after the previous one");
    }
    RenderWorker.Status after = worker.status();
    assertTrue(
        firstRender > 4,
        "the long renders must outlast two lock periods; all took " + firstRender + " s");
    assertEquals(
        before.failedAcknowledgements(),
        after.failedAcknowledgements(),
        "no acknowledgement failed: " + after);
    assertEquals(
        before.releasedUnstarted(),
        after.releasedUnstarted(),
        "nothing fetched while busy: " + after);
    assertEquals(before.reconnects(), after.reconnects(), "the consumer was kept: " + after);
  }

  /**
   * Events carry the attempt of the job's record, not the queue's delivery count; a record without
   * an attempt (not dispatched by the scheduler) is dropped unrendered, and the next job runs.
   */
  @Test
  void eventsCarryTheRecordsAttemptAndARecordWithoutOneIsDropped() throws Exception {
    RenderJob third = job(MODEL, 2).dispatched(3);
    RenderJob undispatched =
        new RenderJob(UUID.randomUUID(), MODEL, third.settings(), "lanczos", 512, Instant.now(), 0);
    RenderJob next = job(MODEL, 2);
    submit(third);
    submit(undispatched);
    submit(next);
    List<JobEvent> events = eventsUntilDone(third.jobId());
    assertInstanceOf(JobEvent.Succeeded.class, last(events));
    assertTrue(events.stream().allMatch(e -> e.attempt() == 3), events.toString());
    assertInstanceOf(JobEvent.Succeeded.class, last(eventsUntilDone(next.jobId())));
    // One events partition: had the dropped job been reported, its events would have come first.
    assertEquals(
        List.of(), seen.stream().filter(e -> e.jobId().equals(undispatched.jobId())).toList());
    assertFalse(stored(undispatched.jobId()), "not rendered");
  }

  @Test
  void aJobThatCanNeverSucceedIsFailedForGoodAndNotRedelivered() throws Exception {
    RenderJob unknownModel = job("no-such-model", 2);
    // Sent to this worker's queue, naming a model it does not have.
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.jobs(MODEL), unknownModel.jobId().toString(), Json.encode(unknownModel)))
          .get();
    }
    List<JobEvent> events = eventsUntilDone(unknownModel.jobId());
    JobEvent.Failed failed = assertInstanceOf(JobEvent.Failed.class, events.get(events.size() - 1));
    assertFalse(failed.retryable());
    assertTrue(failed.reason().contains("unknown model 'no-such-model'"), failed.reason());
    // A following job runs: the rejected one is not delivered again in between.
    RenderJob next = job(MODEL, 1);
    submit(next);
    List<JobEvent> after = eventsUntilDone(next.jobId());
    assertInstanceOf(JobEvent.Succeeded.class, after.get(after.size() - 1));
    assertEquals(
        1,
        seen.stream()
            .filter(e -> e.jobId().equals(unknownModel.jobId()) && e instanceof JobEvent.Started)
            .count(),
        "the rejected job was delivered once");
  }

  /**
   * A job cancelled while it waits behind another never starts: the worker acknowledges it without
   * rendering and reports it canceled, and takes the job after it as usual.
   */
  @Test
  void aQueuedJobCancelledBeforeTheWorkerTakesItIsNeverRendered() throws Exception {
    RenderSettings busySettings =
        new RenderSettings("A person standing on road", "", 8, 150, 7, "euler", false, 512, 512);
    RenderJob busy =
        new RenderJob(UUID.randomUUID(), MODEL, busySettings, "lanczos", 512, Instant.now(), 1);
    RenderJob queued = job(MODEL, 3);
    RenderJob next = job(MODEL, 3);
    submit(busy);
    eventsUntil(busy.jobId(), e -> e instanceof JobEvent.Started);
    submit(queued);
    cancel(queued.jobId());
    submit(next);

    List<JobEvent> events = eventsUntilDone(queued.jobId());
    assertEquals(1, events.size(), "no start, no progress: " + events);
    assertEquals(1, assertInstanceOf(JobEvent.Canceled.class, events.get(0)).attempt());
    assertInstanceOf(JobEvent.Succeeded.class, last(eventsUntilDone(busy.jobId())));
    assertInstanceOf(JobEvent.Succeeded.class, last(eventsUntilDone(next.jobId())));
    assertEquals(0, started(queued.jobId()));
    assertFalse(stored(queued.jobId()));
  }

  /**
   * A running job cancelled mid-render stops within a step of the cancel reaching the worker,
   * uploads nothing, is not delivered again, and the job queued behind it renders as usual.
   */
  @Test
  void aRunningJobCancelledMidRenderStopsUploadsNothingAndTheNextJobRuns() throws Exception {
    RenderWorker.Status before = worker.status();
    int steps = 400;
    RenderSettings slow =
        new RenderSettings("A person standing on road", "", 9, steps, 7, "euler", false, 512, 512);
    RenderJob running =
        new RenderJob(UUID.randomUUID(), MODEL, slow, "lanczos", 512, Instant.now(), 1);
    RenderJob next = job(MODEL, 3);
    submit(running);
    submit(next);
    eventsUntil(running.jobId(), e -> e instanceof JobEvent.Progress p && p.step() >= 10);
    Instant sent = Instant.now();
    cancel(running.jobId());

    List<JobEvent> events = eventsUntilDone(running.jobId());
    JobEvent.Canceled canceled = assertInstanceOf(JobEvent.Canceled.class, last(events));
    List<JobEvent.Progress> progress =
        events.stream()
            .filter(e -> e instanceof JobEvent.Progress)
            .map(e -> (JobEvent.Progress) e)
            .toList();
    JobEvent.Progress first = progress.get(0);
    JobEvent.Progress lastStep = progress.get(progress.size() - 1);
    Duration perStep =
        Duration.between(first.at(), lastStep.at())
            .dividedBy(Math.max(1, lastStep.step() - first.step()));
    long afterCancel = progress.stream().filter(p -> p.at().isAfter(sent)).count();
    Duration toStop = Duration.between(sent, canceled.at());
    System.out.printf(
        "cancel took %d ms to stop the render (%d ms per step, %d steps reported after it)%n",
        toStop.toMillis(), perStep.toMillis(), afterCancel);
    assertTrue(lastStep.step() < steps / 2, "stopped long before its end: " + lastStep);
    assertTrue(
        toStop.compareTo(Duration.ofSeconds(2)) < 0,
        "stopped within " + toStop + " of the cancel; a step takes " + perStep);
    assertFalse(stored(running.jobId()), "nothing uploaded");

    List<JobEvent> after = eventsUntilDone(next.jobId());
    assertInstanceOf(JobEvent.Succeeded.class, last(after));
    assertTrue(after.stream().allMatch(e -> e.attempt() == 1), "the next job untouched: " + after);
    assertEquals(1, started(running.jobId()), "the cancelled job was not delivered again");
    RenderWorker.Status status = worker.status();
    assertEquals(before.releasedUnstarted(), status.releasedUnstarted(), status.toString());
    assertEquals(before.reconnects(), status.reconnects(), status.toString());
  }

  private static JobEvent last(List<JobEvent> events) {
    return events.get(events.size() - 1);
  }
}
