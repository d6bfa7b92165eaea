package dev.tessera.common;

import java.util.regex.Pattern;

/** Kafka topic names, in one place for the gateway's relay, the workers and the scheduler. */
public final class Topics {
  /** Prefix of the per-model job queues; a worker consumes the queue of the model it has loaded. */
  public static final String JOBS_PREFIX = "render.jobs.";
  /** Lifecycle events of every job ({@link JobEvent}), keyed by job id so that one job's events stay in order. */
  public static final String EVENTS = "render.events";

  // Kafka's own rule for topic names; a model name that breaks it would fail at the broker much later.
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

  private Topics() {}

  /** The job queue of {@code model}, e.g. {@code render.jobs.sd21}. */
  public static String jobs(String model) {
    if (model == null || !LEGAL.matcher(model).matches()) {
      throw new IllegalArgumentException("model name '" + model + "' cannot be part of a Kafka topic name");
    }
    return JOBS_PREFIX + model;
  }
}
