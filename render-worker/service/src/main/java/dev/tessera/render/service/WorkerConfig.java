package dev.tessera.render.service;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.Optional;

/**
 * The worker service's settings ({@code tessera.worker.*}, each also settable by the environment
 * variable in {@code application.properties}).
 */
@ConfigMapping(prefix = "tessera.worker")
public interface WorkerConfig {
  /** Names this worker in job events (its pod or host name). */
  String id();

  String kafkaBootstrap();

  /** The share group every worker of the farm joins. */
  String group();

  /** {@code name=dir,...}: the model bundles this worker renders, by the names jobs use. */
  String models();

  /** Directory of an x4 upscaler bundle; without it the worker offers no {@code x4}. */
  Optional<String> upscalerX4();

  /**
   * Directory or file of an ONNX super-resolution model; without it the worker offers no {@code
   * sr}.
   */
  Optional<String> upscalerSr();

  /** {@code auto}, {@code cpu} or {@code cuda}. */
  String device();

  int threads();

  /**
   * The most queued jobs the worker takes at once: those of the same model, size, steps, scheduler,
   * adapters and guidance on/off denoise in one UNet batch. 1 (the default) takes one job at a
   * time; GPUs gain from more.
   */
  int batchJobs();

  /**
   * How long the queue loop may sit idle while jobs wait in its queues (or hang in a step that
   * takes seconds) before liveness reports it down, so that it is restarted.
   */
  Duration stallTimeout();

  /**
   * How often the worker announces itself on {@code render.workers} while nothing changes: the
   * scheduler keeps a worker's job leased to it while its heartbeats arrive.
   */
  Duration heartbeatInterval();

  /**
   * How long a worker told to stop (SIGTERM) may take to finish the job under way before it hands
   * the job back (reported failed and retryable, for the scheduler to dispatch again); zero hands
   * it back at once. Kubernetes' {@code terminationGracePeriodSeconds} must exceed it.
   */
  Duration drainTimeout();

  /**
   * Partitions of the events topic, when this worker is the first to create it (job topics always
   * get one).
   */
  int eventPartitions();

  /**
   * How many cancelled job ids the worker remembers at most (the newest), read from {@code
   * render.control}: about 100 bytes each.
   */
  int cancelledIds();

  /**
   * Directory of LoRA adapters ({@code <name>.safetensors}); those it lacks are fetched from the
   * bucket's {@code models/loras/} into it. Without it, a temporary directory holds the fetched
   * ones.
   */
  Optional<String> loraDir();

  /** Adapter sets whose sessions a model keeps between jobs (each holds its changed layers). */
  int loraCache();

  String s3Endpoint();

  String s3AccessKey();

  String s3SecretKey();

  String s3Bucket();

  /** The wait after a result upload's first failure; it doubles after each further one. */
  Duration uploadFirstRetry();

  /** The longest wait between two attempts of an upload. */
  Duration uploadMaxRetry();

  /**
   * How long after its first failure an upload is still tried, the image kept, before the job is
   * handed back (reported retryable) for the scheduler to dispatch again; zero tries once.
   */
  Duration uploadRetryLimit();
}
