package dev.tessera.render.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.ControlMessage;
import dev.tessera.common.JobEvent;
import dev.tessera.common.Json;
import dev.tessera.common.RenderJob;
import dev.tessera.common.RenderSettings;
import dev.tessera.common.Topics;
import dev.tessera.common.WorkerHeartbeat;
import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.deploy.stack.BackingServices;
import dev.tessera.deploy.stack.Broker;
import dev.tessera.deploy.stack.ObjectStore;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.teststack.NeedsStack;
import dev.tessera.teststack.TestStack;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker service's start-up and shutdown, without Quarkus, on a real broker and S3 server,
 * including what it learns at start-up from {@code render.control} and what it tells {@code
 * render.workers}.
 */
@NeedsStack
class WorkerServiceLifecycleTest {
  @TempDir static Path dir;
  private static Broker kafka;
  private static ObjectStore s3;

  @BeforeAll
  static void start() throws Exception {
    BackingServices services = TestStack.services();
    kafka = services.startBroker(dir.resolve("kafka"));
    s3 = services.startObjectStore(dir.resolve("s3"));
  }

  @AfterAll
  static void stop() {
    s3.close();
    kafka.close();
  }

  private static WorkerConfig config(String models) {
    return config(models, Duration.ofMinutes(10));
  }

  private static WorkerConfig config(String models, Duration drainTimeout) {
    return new WorkerConfig() {
      @Override
      public String id() {
        return "lifecycle-test";
      }

      @Override
      public String kafkaBootstrap() {
        return kafka.bootstrapServers();
      }

      @Override
      public String group() {
        return "lifecycle-test";
      }

      @Override
      public String models() {
        return models;
      }

      @Override
      public Optional<String> upscalerX4() {
        return Optional.empty();
      }

      @Override
      public Optional<String> upscalerSr() {
        return Optional.empty();
      }

      @Override
      public String device() {
        return "cpu";
      }

      @Override
      public int threads() {
        return 1;
      }

      @Override
      public int batchJobs() {
        return 1;
      }

      @Override
      public Duration stallTimeout() {
        return Duration.ofMinutes(2);
      }

      @Override
      public Duration heartbeatInterval() {
        return Duration.ofMillis(200);
      }

      @Override
      public Duration drainTimeout() {
        return drainTimeout;
      }

      @Override
      public int eventPartitions() {
        return 1;
      }

      @Override
      public int cancelledIds() {
        return 1000;
      }

      @Override
      public Optional<String> loraDir() {
        return Optional.empty();
      }

      @Override
      public int loraCache() {
        return 2;
      }

      @Override
      public String s3Endpoint() {
        return s3.endpoint();
      }

      @Override
      public String s3AccessKey() {
        return s3.accessKey();
      }

      @Override
      public String s3SecretKey() {
        return s3.secretKey();
      }

      @Override
      public String s3Bucket() {
        return "tessera";
      }

      @Override
      public Duration uploadFirstRetry() {
        return Duration.ofMillis(100);
      }

      @Override
      public Duration uploadMaxRetry() {
        return Duration.ofSeconds(1);
      }

      @Override
      public Duration uploadRetryLimit() {
        return Duration.ofSeconds(5);
      }
    };
  }

  private static String bundle() {
    return MiniatureFixtures.bundle(MiniatureKind.SD2, false).toString();
  }

  private static boolean loopThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("worker-loop") && t.isAlive());
  }

  /**
   * Whether the loop thread ends within moments: the worker says it stopped as the last thing its
   * loop does, a moment before the thread returns.
   */
  private static boolean loopThreadEnds() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (loopThreadAlive() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return !loopThreadAlive();
  }

  private static void awaitPhase(WorkerService service, WorkerService.Phase phase)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (service.phase() != phase && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(phase, service.phase(), service.failure());
  }

  @Test
  void startsTakesWorkAndStopsWithNothingLeftRunning() throws Exception {
    WorkerService service =
        new WorkerService(config("mini=" + bundle()), new SimpleMeterRegistry());
    service.onStart(null);
    awaitPhase(service, WorkerService.Phase.READY);
    assertTrue(loopThreadAlive());
    service.onStop(null);
    assertTrue(!loopThreadAlive(), "the queue loop stopped with the service");
  }

  /**
   * A worker that starts after a job was queued and cancelled reads the cancellation before it
   * takes any job: the cancelled job is acknowledged unrendered, the one queued after it renders.
   */
  @Test
  void aJobCancelledBeforeTheWorkerStartedIsNeverRendered() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    KafkaAdmin.createTopics(bootstrap, List.of(Topics.jobs("mini"), Topics.EVENTS), 1);
    KafkaAdmin.createControlTopic(bootstrap);
    RenderSettings settings =
        new RenderSettings("a lighthouse", "", 1, 2, 7, "euler", false, 128, 128);
    RenderJob cancelled =
        new RenderJob(UUID.randomUUID(), "mini", settings, "lanczos", 512, Instant.now(), 1);
    RenderJob kept =
        new RenderJob(UUID.randomUUID(), "mini", settings, "lanczos", 512, Instant.now(), 1);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (RenderJob job : List.of(cancelled, kept)) {
        producer.send(
            new ProducerRecord<>(Topics.jobs("mini"), job.jobId().toString(), Json.encode(job)));
      }
      producer
          .send(
              new ProducerRecord<>(
                  Topics.CONTROL,
                  cancelled.jobId().toString(),
                  Json.encode(new ControlMessage.Cancel(cancelled.jobId(), Instant.now()))))
          .get(30, TimeUnit.SECONDS);
    }

    WorkerService service =
        new WorkerService(config("mini=" + bundle()), new SimpleMeterRegistry());
    service.onStart(null);
    try {
      awaitPhase(service, WorkerService.Phase.READY);
      List<JobEvent> events = eventsUntilSucceeded(bootstrap, kept.jobId());
      List<JobEvent> ofCancelled =
          events.stream().filter(e -> e.jobId().equals(cancelled.jobId())).toList();
      assertEquals(1, ofCancelled.size(), "no start, no progress: " + ofCancelled);
      assertInstanceOf(JobEvent.Canceled.class, ofCancelled.get(0));
    } finally {
      service.onStop(null);
    }
  }

  /**
   * Heartbeats tell the scheduler what the worker does: IDLE once it is ready, BUSY naming each job
   * it takes, IDLE once that job was reported, and STOPPED last. A render the shutdown stops is
   * reported failed and retryable, so the scheduler dispatches it again at once.
   */
  @Test
  void heartbeatsFollowTheWorkAndAShutdownMidRenderIsReportedRetryable() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Instant t0 = Instant.now();
    RenderJob quick =
        new RenderJob(
            UUID.randomUUID(),
            "mini",
            new RenderSettings("a lighthouse", "", 1, 2, 7, "euler", false, 128, 128),
            "lanczos",
            512,
            Instant.now(),
            1);
    RenderJob slow =
        new RenderJob(
            UUID.randomUUID(),
            "mini",
            new RenderSettings("a lighthouse", "", 1, 400, 7, "euler", false, 512, 512),
            "lanczos",
            512,
            Instant.now(),
            1);
    WorkerService service =
        new WorkerService(config("mini=" + bundle()), new SimpleMeterRegistry());
    service.onStart(null);
    JobEvent.Succeeded quickDone;
    try {
      awaitPhase(service, WorkerService.Phase.READY);
      submit(bootstrap, quick);
      quickDone =
          (JobEvent.Succeeded)
              last(
                  eventsUntil(
                      bootstrap,
                      e -> e.jobId().equals(quick.jobId()) && e instanceof JobEvent.Succeeded));
      submit(bootstrap, slow);
      eventsUntil(bootstrap, e -> e.jobId().equals(slow.jobId()) && e instanceof JobEvent.Started);
      Thread.sleep(1_000); // beats go out every interval while it renders
    } finally {
      service.onStop(null);
    }
    JobEvent.Failed stopped =
        (JobEvent.Failed)
            last(
                eventsUntil(
                    bootstrap,
                    e -> e.jobId().equals(slow.jobId()) && e instanceof JobEvent.Failed));
    assertTrue(stopped.retryable(), stopped.toString());
    assertEquals("worker lifecycle-test shut down during the render", stopped.reason());

    List<WorkerHeartbeat> beats = heartbeatsSince(bootstrap, t0);
    List<String> moves = new ArrayList<>();
    for (WorkerHeartbeat beat : beats) {
      String move = beat.activity() + (beat.jobId() == null ? "" : " " + beat.jobId());
      if (moves.isEmpty() || !moves.get(moves.size() - 1).equals(move)) {
        moves.add(move);
      }
      assertEquals(List.of("mini"), beat.models());
    }
    assertEquals(
        List.of("IDLE", "BUSY " + quick.jobId(), "IDLE", "BUSY " + slow.jobId(), "IDLE", "STOPPED"),
        moves,
        "one beat each interval, and one at each change: " + beats);
    WorkerHeartbeat idleAgain =
        beats.stream()
            .dropWhile(b -> b.activity() != WorkerHeartbeat.Activity.BUSY)
            .filter(b -> b.activity() == WorkerHeartbeat.Activity.IDLE)
            .findFirst()
            .orElseThrow();
    assertTrue(
        !idleAgain.at().isBefore(quickDone.at()),
        "idle only once the job was reported: " + idleAgain + " " + quickDone);
    assertTrue(
        beats.stream().filter(b -> slow.jobId().equals(b.jobId())).count() >= 3,
        "busy beats every interval while the slow job rendered: " + beats);
    try (Admin admin = KafkaAdmin.admin(bootstrap)) {
      ConfigResource workers = new ConfigResource(ConfigResource.Type.TOPIC, Topics.WORKERS);
      String cleanup =
          admin
              .describeConfigs(List.of(workers))
              .all()
              .get(30, TimeUnit.SECONDS)
              .get(workers)
              .get(TopicConfig.CLEANUP_POLICY_CONFIG)
              .value();
      assertEquals("compact,delete", cleanup, "created with its settings, not on first use");
    }
  }

  /**
   * A drain lets the job under way finish and report success, with DRAINING heartbeats naming it
   * meanwhile, then stops the loop; the service reports itself draining, not ready.
   */
  @Test
  void aDrainFinishesTheJobUnderWayAndSaysDrainingMeanwhile() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    Instant t0 = Instant.now();
    RenderJob job = job(150);
    WorkerService service =
        new WorkerService(config("mini=" + bundle()), new SimpleMeterRegistry());
    service.onStart(null);
    JobEvent.Succeeded done;
    try {
      awaitPhase(service, WorkerService.Phase.READY);
      submit(bootstrap, job);
      eventsUntil(bootstrap, e -> e.jobId().equals(job.jobId()) && e instanceof JobEvent.Started);
      service.drain();
      assertEquals(WorkerService.Phase.DRAINING, service.phase());
      assertTrue(loopThreadEnds(), "the loop stopped once the job was done");
      done =
          (JobEvent.Succeeded)
              last(
                  eventsUntil(
                      bootstrap,
                      e -> e.jobId().equals(job.jobId()) && e instanceof JobEvent.Succeeded));
    } finally {
      service.onStop(null);
    }
    assertEquals(1, done.attempt());
    List<String> moves = moves(heartbeatsSince(bootstrap, t0));
    assertEquals(
        List.of("IDLE", "BUSY " + job.jobId(), "DRAINING " + job.jobId(), "DRAINING", "STOPPED"),
        moves);
  }

  /**
   * A drain whose time runs out cancels the render, which is reported failed and retryable (for the
   * scheduler to dispatch again) within seconds of the drain timeout.
   */
  @Test
  void aDrainThatRunsOutOfTimeHandsTheJobBack() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    RenderJob job = job(400);
    Duration drain = Duration.ofMillis(500);
    WorkerService service =
        new WorkerService(config("mini=" + bundle(), drain), new SimpleMeterRegistry());
    service.onStart(null);
    Duration took;
    try {
      awaitPhase(service, WorkerService.Phase.READY);
      submit(bootstrap, job);
      eventsUntil(bootstrap, e -> e.jobId().equals(job.jobId()) && e instanceof JobEvent.Started);
      long d0 = System.nanoTime();
      service.drain();
      took = Duration.ofNanos(System.nanoTime() - d0);
      assertTrue(loopThreadEnds(), "the loop stopped");
    } finally {
      service.onStop(null);
    }
    List<JobEvent> events =
        eventsUntil(bootstrap, e -> e.jobId().equals(job.jobId()) && e instanceof JobEvent.Failed);
    JobEvent.Failed handedBack = (JobEvent.Failed) last(events);
    assertTrue(handedBack.retryable(), handedBack.toString());
    assertTrue(
        events.stream()
            .noneMatch(e -> e.jobId().equals(job.jobId()) && e instanceof JobEvent.Succeeded));
    assertTrue(
        took.compareTo(drain) >= 0 && took.compareTo(drain.plusSeconds(10)) < 0,
        "drain took " + took);
  }

  @Test
  void aNegativeDrainTimeoutIsRefusedNamingTheSetting() {
    WorkerConfig config = config("mini=" + bundle(), Duration.ofSeconds(-1));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new DrainOnTerm(new WorkerService(config, new SimpleMeterRegistry()), config));
    assertEquals(
        "tessera.worker.drain-timeout (TESSERA_DRAIN_TIMEOUT) must not be negative, got PT-1S",
        e.getMessage());
  }

  private static RenderJob job(int steps) {
    return new RenderJob(
        UUID.randomUUID(),
        "mini",
        new RenderSettings("a lighthouse", "", 1, steps, 7, "euler", false, 512, 512),
        "lanczos",
        512,
        Instant.now(),
        1);
  }

  /** The beats as their changes: activity and job, repeats dropped. */
  private static List<String> moves(List<WorkerHeartbeat> beats) {
    List<String> moves = new ArrayList<>();
    for (WorkerHeartbeat beat : beats) {
      String move = beat.activity() + (beat.jobId() == null ? "" : " " + beat.jobId());
      if (moves.isEmpty() || !moves.get(moves.size() - 1).equals(move)) {
        moves.add(move);
      }
    }
    return moves;
  }

  private static void submit(String bootstrap, RenderJob job) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", bootstrap),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.jobs(job.model()), job.jobId().toString(), Json.encode(job)))
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static JobEvent last(List<JobEvent> events) {
    return events.get(events.size() - 1);
  }

  /** This worker's heartbeats sent since {@code since}, up to and including its STOPPED one. */
  private static List<WorkerHeartbeat> heartbeatsSince(String bootstrap, Instant since) {
    TopicPartition partition = new TopicPartition(Topics.WORKERS, 0);
    List<WorkerHeartbeat> beats = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (beats.isEmpty()
          || beats.get(beats.size() - 1).activity() != WorkerHeartbeat.Activity.STOPPED) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no STOPPED heartbeat; beats: " + beats);
        }
        for (var record : consumer.poll(Duration.ofMillis(200))) {
          WorkerHeartbeat beat = Json.decode(record.value(), WorkerHeartbeat.class);
          assertEquals(beat.workerId(), record.key(), "keyed by worker id");
          if (beat.workerId().equals("lifecycle-test") && !beat.at().isBefore(since)) {
            beats.add(beat);
          }
        }
      }
    }
    return beats;
  }

  /** Every event on the topic until {@code jobId} succeeded. */
  private static List<JobEvent> eventsUntilSucceeded(String bootstrap, UUID jobId) {
    return eventsUntil(bootstrap, e -> e.jobId().equals(jobId) && e instanceof JobEvent.Succeeded);
  }

  /** The events on the topic up to and including the first that {@code last} accepts. */
  private static List<JobEvent> eventsUntil(String bootstrap, Predicate<JobEvent> last) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            "lifecycle-events-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<JobEvent> events = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.EVENTS));
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (events.stream().noneMatch(last)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no such event; events: " + events);
        }
        consumer
            .poll(Duration.ofMillis(200))
            .forEach(r -> events.add(Json.decode(r.value(), JobEvent.class)));
      }
    }
    return events.subList(0, events.indexOf(events.stream().filter(last).findFirst().get()) + 1);
  }

  @Test
  void aShutdownDuringStartUpNeverStartsTheWorker() throws Exception {
    // Three models to load: shutdown begins while the first still loads.
    String b = bundle();
    WorkerService service =
        new WorkerService(config("a=" + b + ",b=" + b + ",c=" + b), new SimpleMeterRegistry());
    service.onStart(null);
    service.onStop(null);
    Thread.sleep(
        3_000); // a start-up the shutdown stopped waiting for would have started the loop by now
    assertNotEquals(WorkerService.Phase.READY, service.phase());
    assertTrue(!loopThreadAlive(), "no queue loop after shutdown began");
    assertTrue(service.loopStatus().isEmpty(), "no worker was made");
  }

  @Test
  void aFailureHalfWayThroughOpeningModelsFailsTheStartUpAndNamesTheCause() throws Exception {
    WorkerService service =
        new WorkerService(
            config("good=" + bundle() + ",bad=" + dir.resolve("no-such-bundle")),
            new SimpleMeterRegistry());
    service.onStart(null);
    awaitPhase(service, WorkerService.Phase.FAILED);
    assertTrue(service.failure().contains("no-such-bundle"), service.failure());
    assertTrue(!loopThreadAlive());
    service.onStop(null);
  }
}
