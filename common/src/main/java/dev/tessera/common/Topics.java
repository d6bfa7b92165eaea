package dev.tessera.common;

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
