package dev.tessera.render.service;

import dev.tessera.common.RenderSettings;
import dev.tessera.common.Topics;
import dev.tessera.common.kafka.KafkaAdmin;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.lora.LoraLibrary;
import dev.tessera.render.onnx.ExecutionProvider;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.RenderRequest;
import dev.tessera.render.pipeline.Renderer;
import dev.tessera.render.upscale.LanczosUpscaler;
import dev.tessera.render.upscale.SrUpscaler;
import dev.tessera.render.upscale.TargetSize;
import dev.tessera.render.upscale.UpscaleMode;
import dev.tessera.render.upscale.UpscaleSettings;
import dev.tessera.render.upscale.Upscaler;
import dev.tessera.render.upscale.X4Options;
import dev.tessera.render.upscale.X4Upscaler;
import dev.tessera.render.worker.AdapterDownloads;
import dev.tessera.render.worker.CancelledJobs;
import dev.tessera.render.worker.ControlReader;
import dev.tessera.render.worker.EventPublisher;
import dev.tessera.render.worker.HeartbeatPublisher;
import dev.tessera.render.worker.JobExecutor;
import dev.tessera.render.worker.JobRunner;
import dev.tessera.render.worker.QueueBacklog;
import dev.tessera.render.worker.RenderWorker;
import dev.tessera.render.worker.ResultStore;
import dev.tessera.render.worker.ResultUploader;
import dev.tessera.render.worker.StallWatch;
import dev.tessera.render.worker.WorkerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The worker service around the engine: at start-up it loads the model bundles and upscalers once,
 * warms them up, sets up its queues, reads the cancellations still in force, and only then
 * announces itself, starts taking jobs and reports ready. Told to stop by SIGTERM ({@link
 * DrainOnTerm}) it first drains ({@link #drain()}): it takes no more jobs and finishes the job
 * under way within the drain timeout, else hands it back. At shutdown a job still under way is
 * cancelled and reported failed and retryable, so that the scheduler dispatches it again at once;
 * the last heartbeat says the worker stopped.
 */
@ApplicationScoped
public class WorkerService {
  private static final Logger LOG = Logger.getLogger(WorkerService.class);
  private static final Duration STALL_CHECK = Duration.ofSeconds(5);
  private static final Duration CATCH_UP_WARNING = Duration.ofSeconds(30);

  /**
   * How long a render may take to stop once cancelled: a denoising or upscaling step, the failure
   * report.
   */
  private static final Duration CANCEL_WAIT = Duration.ofSeconds(60);

  /** Where the start-up is, for the readiness check. */
  enum Phase {
    LOADING,
    WARMING_UP,
    CONNECTING,
    READY,
    /** Told to stop: takes no more jobs, finishes the one under way. */
    DRAINING,
    FAILED
  }

  private final WorkerConfig config;
  private final WorkerMetrics metrics;

  /**
   * Guards the hand-over between start-up and shutdown: whichever comes second closes what the
   * first opened.
   */
  private final Object lifecycle = new Object();

  /**
   * Everything the service runs and owns, last opened first closed; start-up adds, shutdown closes.
   */
  private final Closer resources = new Closer();

  private volatile Phase phase = Phase.LOADING;
  private volatile String failure = "";
  private boolean stopping;
  private Thread starter;
  private volatile RenderWorker worker;
  private HeartbeatPublisher heartbeats;
  private volatile Optional<String> stall = Optional.empty();

  WorkerService(WorkerConfig config, MeterRegistry registry) {
    this.config = config;
    this.metrics = new WorkerMetrics(registry);
  }

  void onStart(@Observes StartupEvent event) {
    starter = new Thread(this::startUp, "worker-start-up");
    starter.start();
  }

  /**
   * Loads, warms up, connects, and only then starts the queue loop. Each resource goes into {@link
   * #resources} as it is opened, so a failure half way, or a shutdown that began meanwhile, closes
   * whatever was opened; the loop is started under the lifecycle lock, and never once shutdown
   * began.
   */
  private void startUp() {
    try {
      EngineOptions engine =
          new EngineOptions(
              ExecutionProvider.Preference.parse(config.device()),
              0,
              config.threads(),
              EngineOptions.defaults().decodeTile(),
              EngineOptions.defaults().decodeOverlap());
      Map<String, Renderer> renderers = openRenderers(engine);
      LoraLibrary adapters = adapterLibrary();
      renderers.values().forEach(r -> r.useAdapters(adapters, config.loraCache()));
      JobExecutor executor = new JobExecutor(renderers, openUpscalers(engine));
      phase = Phase.WARMING_UP;
      warmUp(executor);
      phase = Phase.CONNECTING;
      List<String> topics = executor.models().stream().map(Topics::jobs).toList();
      awaitKafka(topics);
      ResultStore store =
          new ResultStore(
              config.s3Endpoint(), config.s3AccessKey(), config.s3SecretKey(), config.s3Bucket());
      store.ensureBucket();
      CancelledJobs cancelled = awaitCancellations();
      EventPublisher events = resources.add(new EventPublisher(config.kafkaBootstrap()));
      HeartbeatPublisher heartbeats =
          resources.add(
              new HeartbeatPublisher(
                  config.kafkaBootstrap(),
                  config.id(),
                  executor.models(),
                  config.heartbeatInterval(),
                  Clock.systemUTC()));
      JobRunner runner =
          new JobRunner(
              executor,
              new ResultUploader(
                  store::put,
                  new ResultUploader.Policy(
                      config.uploadFirstRetry(),
                      config.uploadMaxRetry(),
                      config.uploadRetryLimit())),
              events,
              cancelled,
              heartbeats,
              metrics,
              new JobRunner.Policy(config.id(), Duration.ofMillis(500)),
              Clock.systemUTC());
      synchronized (lifecycle) {
        if (stopping) {
          LOG.info("shutdown began during start-up; the worker does not start");
          resources.close();
          return;
        }
        heartbeats.start();
        this.heartbeats = heartbeats;
        startLoop(
            new RenderWorker(
                config.kafkaBootstrap(), config.group(), topics, runner, config.batchJobs()),
            topics);
        phase = Phase.READY;
      }
      LOG.infof(
          "worker %s ready: models %s, queues %s, up to %d job(s) per batch",
          config.id(), executor.models(), topics, config.batchJobs());
    } catch (IOException | RuntimeException e) {
      resources.close();
      if (stoppingNow()) {
        return;
      }
      failure = e.getMessage();
      phase = Phase.FAILED;
      LOG.errorf(e, "worker start-up failed: %s", e.getMessage());
    }
  }

  private boolean stoppingNow() {
    synchronized (lifecycle) {
      return stopping;
    }
  }

  /**
   * Starts the queue loop and its stall watch; closing them stops the watch, then the loop (waiting
   * for it).
   */
  private void startLoop(RenderWorker loopWorker, List<String> topics) {
    Thread loop = new Thread(this::runLoop, "worker-loop");
    worker = loopWorker;
    resources.add(
        () -> {
          loopWorker.close();
          loop.join(60_000);
        });
    loop.start();
    QueueBacklog backlog =
        resources.add(
            new QueueBacklog(config.kafkaBootstrap(), config.group(), Set.copyOf(topics)));
    StallWatch watch = new StallWatch(config.stallTimeout(), backlog::waiting);
    ScheduledExecutorService stallWatch =
        Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "stall-watch"));
    resources.add(stallWatch::shutdownNow);
    // A stall fails liveness until the loop moves again.
    stallWatch.scheduleWithFixedDelay(
        () -> {
          Optional<String> verdict = watch.check(loopWorker.status(), System.nanoTime());
          if (!verdict.equals(stall)) {
            if (verdict.isPresent()) {
              LOG.errorf(
                  "worker stalled: %s; liveness reports down (%s)",
                  verdict.get(), loopWorker.status());
            } else {
              LOG.infof("worker moving again (%s)", loopWorker.status());
            }
          }
          stall = verdict;
        },
        STALL_CHECK.toMillis(),
        STALL_CHECK.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /**
   * Runs the queue loop; a loop that ends while the service is not stopping fails the health
   * checks.
   */
  private void runLoop() {
    worker.run();
    if (!stoppingNow()) {
      failure = "the queue loop stopped; see the log";
      phase = Phase.FAILED;
    }
  }

  private LoraLibrary adapterLibrary() throws IOException {
    Path dir =
        config.loraDir().isPresent()
            ? Path.of(config.loraDir().get())
            : Files.createTempDirectory("tessera-loras");
    LOG.infof(
        "LoRA adapters from %s, else s3://%s/%s", dir, config.s3Bucket(), AdapterDownloads.PREFIX);
    return new AdapterDownloads(
        dir, config.s3Endpoint(), config.s3AccessKey(), config.s3SecretKey(), config.s3Bucket());
  }

  private Map<String, Renderer> openRenderers(EngineOptions engine) throws IOException {
    Map<String, Renderer> renderers = new LinkedHashMap<>();
    for (String entry : config.models().split(",")) {
      String[] nameAndDir = entry.trim().split("=", 2);
      if (nameAndDir.length != 2 || nameAndDir[0].isBlank()) {
        throw new IllegalArgumentException(
            "tessera.worker.models (TESSERA_MODEL_DIRS): expected name=dir[,name=dir], got '"
                + entry
                + "'");
      }
      renderers.put(
          nameAndDir[0].trim(),
          resources.add(Renderer.open(Path.of(nameAndDir[1].trim()), engine)));
      LOG.infof("model %s loaded from %s", nameAndDir[0].trim(), nameAndDir[1].trim());
    }
    return renderers;
  }

  private Map<UpscaleMode, Upscaler> openUpscalers(EngineOptions engine) throws IOException {
    Map<UpscaleMode, Upscaler> upscalers = new EnumMap<>(UpscaleMode.class);
    upscalers.put(UpscaleMode.LANCZOS, new LanczosUpscaler());
    if (config.upscalerX4().isPresent()) {
      upscalers.put(
          UpscaleMode.X4,
          resources.add(
              X4Upscaler.open(Path.of(config.upscalerX4().get()), engine, X4Options.defaults())));
    }
    if (config.upscalerSr().isPresent()) {
      upscalers.put(
          UpscaleMode.SR,
          resources.add(
              SrUpscaler.open(
                  Path.of(config.upscalerSr().get()), engine, SrUpscaler.DEFAULT_TILING)));
    }
    return upscalers;
  }

  /**
   * One tiny render per model and one upscale per upscaler, so the first job does not pay for lazy
   * set-up.
   */
  private void warmUp(JobExecutor executor) throws IOException {
    long t0 = System.nanoTime();
    RgbImage image = null;
    for (String model : executor.models()) {
      RenderSettings tiny = new RenderSettings("warm-up", "", 0, 1, 7, "euler", false, 64, 64);
      image =
          executor
              .renderer(model)
              .render(RenderRequest.of(tiny), RenderListener.NONE, new CancelToken())
              .image();
    }
    for (Upscaler upscaler : executor.upscalers()) {
      UpscaleSettings settings =
          new UpscaleSettings(
              "warm-up",
              "",
              0,
              1,
              UpscaleSettings.DEFAULT_GUIDANCE,
              UpscaleSettings.DEFAULT_NOISE_LEVEL);
      upscaler.upscale(
          image, TargetSize.of(64, 64, 256), settings, RenderListener.NONE, new CancelToken());
    }
    LOG.infof("warm-up took %d ms", (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * Starts reading {@code render.control} and waits until every cancellation it holds is known, so
   * that the first job taken is not one its owner cancelled while it was queued. Waits as long as
   * it takes (the broker answered a moment ago), saying so every {@link #CATCH_UP_WARNING}.
   */
  private CancelledJobs awaitCancellations() {
    CancelledJobs cancelled = new CancelledJobs(config.cancelledIds());
    ControlReader reader = resources.add(new ControlReader(config.kafkaBootstrap(), cancelled));
    reader.start();
    try {
      while (!reader.awaitCaughtUp(CATCH_UP_WARNING)) {
        LOG.warnf(
            "%s not read to its end within %s; still reading (%d cancelled jobs known)",
            Topics.CONTROL, CATCH_UP_WARNING, cancelled.size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + Topics.CONTROL, e);
    }
    return cancelled;
  }

  /**
   * Creates the queues and configures the share group, waiting for the broker as long as it takes.
   */
  private void awaitKafka(List<String> jobTopics) {
    while (true) {
      try {
        KafkaAdmin.createTopics(config.kafkaBootstrap(), jobTopics, Topics.JOB_PARTITIONS);
        KafkaAdmin.createTopics(
            config.kafkaBootstrap(), List.of(Topics.EVENTS), config.eventPartitions());
        KafkaAdmin.createSharedTopics(config.kafkaBootstrap());
        KafkaAdmin.readShareGroupFromEarliest(config.kafkaBootstrap(), config.group());
        KafkaAdmin.partitions(config.kafkaBootstrap(), jobTopics)
            .forEach(
                (topic, partitions) -> {
                  if (partitions > Topics.JOB_PARTITIONS) {
                    LOG.warnf(
                        "%s has %d partitions: while the farm has no more workers than that, each worker serves only"
                            + " its own partitions and jobs wait behind a busy worker while others idle; recreate it with %d",
                        topic, partitions, Topics.JOB_PARTITIONS);
                  }
                });
        return;
      } catch (IOException e) {
        LOG.warnf("Kafka at %s not ready (%s); retrying", config.kafkaBootstrap(), e.getMessage());
        try {
          Thread.sleep(2000);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for Kafka", interrupted);
        }
      }
    }
  }

  Phase phase() {
    return phase;
  }

  String failure() {
    return failure;
  }

  /** Why the queue loop counts as stalled, or empty. */
  Optional<String> stall() {
    return stall;
  }

  /** The queue loop's state and counters, once it runs. */
  Optional<RenderWorker.Status> loopStatus() {
    RenderWorker w = worker;
    return w == null ? Optional.empty() : Optional.of(w.status());
  }

  /**
   * Drains the worker: it takes no more jobs, says DRAINING in its heartbeats (the scheduler keeps
   * its job leased to it and counts it no more as capacity) and reports not ready; the job under
   * way may finish within the drain timeout, else it is cancelled, which reports it failed and
   * retryable for the scheduler to dispatch again. Returns once the queue loop has stopped; the
   * caller then ends the application, whose shutdown ({@link #onStop}) closes the rest. A start-up
   * still under way starts nothing more. Does nothing once stopping began.
   */
  void drain() throws InterruptedException {
    RenderWorker loopWorker;
    HeartbeatPublisher beats;
    synchronized (lifecycle) {
      if (stopping) {
        return;
      }
      stopping = true;
      loopWorker = worker;
      beats = heartbeats;
    }
    if (loopWorker == null) {
      LOG.info("told to stop during start-up: no job under way");
      return;
    }
    Duration timeout = config.drainTimeout();
    phase = Phase.DRAINING;
    beats.draining();
    loopWorker.drain();
    LOG.infof("draining: no more jobs; the job under way, if any, has %s to finish", timeout);
    long t0 = System.nanoTime();
    if (loopWorker.awaitStopped(timeout)) {
      LOG.infof("drained in %d ms", (System.nanoTime() - t0) / 1_000_000);
      return;
    }
    LOG.warnf(
        "the job under way did not finish within the drain timeout (%s); handing it back for the"
            + " scheduler to dispatch again",
        timeout);
    loopWorker.close();
    if (!loopWorker.awaitStopped(CANCEL_WAIT)) {
      LOG.errorf(
          "the cancelled render did not stop within %s; the scheduler takes the job back once this"
              + " worker's heartbeats stop",
          CANCEL_WAIT);
    }
  }

  /**
   * Stops taking work: the job under way is cancelled (and reported for another attempt), then
   * everything the start-up opened is closed, the heartbeats after the queue loop. A start-up still
   * loading (a slow model) is interrupted and waited for a while; should it finish later, it sees
   * that shutdown began, closes what it opened and starts nothing.
   */
  void onStop(@Observes ShutdownEvent event) throws InterruptedException {
    synchronized (lifecycle) {
      stopping = true;
    }
    if (starter != null) {
      starter.interrupt();
      starter.join(10_000);
    }
    resources.close();
  }
}
