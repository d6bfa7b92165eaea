package dev.tessera.common;

import java.time.Duration;
import java.util.regex.Pattern;

/** Kafka topic names, in one place for the gateway's relay, the workers and the scheduler. */
public final class Topics {
  /** Prefix of the per-model job queues; a worker consumes the queue of the model it has loaded. */
  public static final String JOBS_PREFIX = "render.jobs.";

  /**
   * Partitions of every job queue: one. A share group assigns each partition to ceil(members /
   * partitions) of its members, so with as many partitions as workers or more, each worker serves
   * only its own partitions, and jobs queued behind a long render wait while other workers idle (a
   * dead worker's partitions wait for its session to time out, 45 s). With one partition every
   * worker serves every job. One share-partition holds up to {@code
   * group.share.partition.max.record.locks} (2,000 by default) jobs at once: that many workers per
   * model.
   */
  public static final int JOB_PARTITIONS = 1;

  /**
   * Lifecycle events of every job ({@link JobEvent}), keyed by job id so that one job's events stay
   * in order.
   */
  public static final String EVENTS = "render.events";

  /**
   * Requests about jobs ({@link ControlMessage}: cancellations), keyed by job id, written by the
   * gateway's outbox relay and read by the scheduler (its consumer group) and by every worker (each
   * reads every partition itself, no group).
   *
   * <p>Compacted and deleted ({@code cleanup.policy=compact,delete}, see {@code
   * KafkaAdmin.controlTopic}): compaction keeps one record per job however often its cancel was
   * relayed or repeated; deletion drops records older than {@link #CONTROL_RETENTION}. A worker
   * that starts reads the topic from its beginning, i.e. the last {@link #CONTROL_RETENTION} of
   * cancellations, before it takes its first job, so it knows every job cancelled while still
   * queued: a queue record outlives that window only if its queue keeps records longer than the
   * broker's default seven days, and a cancelled job rendered anyway is still recorded CANCELED
   * (the scheduler ignores events of a job that ended).
   */
  public static final String CONTROL = "render.control";

  /** How long {@link #CONTROL} keeps a cancellation: the job queues' default retention. */
  public static final Duration CONTROL_RETENTION = Duration.ofDays(7);

  /** Partitions of {@link #CONTROL}: one; cancellations are few and every reader reads them all. */
  public static final int CONTROL_PARTITIONS = 1;

  /**
   * Workers' announcements and heartbeats ({@link WorkerHeartbeat}), keyed by worker id, read by
   * the scheduler's consumer group. Compacted and deleted after {@link #WORKERS_RETENTION}: only
   * the latest heartbeat of each worker matters, and only while it is recent.
   */
  public static final String WORKERS = "render.workers";

  /** How long {@link #WORKERS} keeps a heartbeat. */
  public static final Duration WORKERS_RETENTION = Duration.ofHours(1);

  // Kafka's own rule for topic names; a model name that breaks it would fail at the broker much
  // later.
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

  private Topics() {}

  /** The job queue of {@code model}, e.g. {@code render.jobs.sd21}. */
  public static String jobs(String model) {
    if (model == null || !LEGAL.matcher(model).matches()) {
      throw new IllegalArgumentException(
          "model name '" + model + "' cannot be part of a Kafka topic name");
    }
    return JOBS_PREFIX + model;
  }
}
