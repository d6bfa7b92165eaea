package dev.tessera.scheduler.metrics;

import dev.tessera.common.JobState;
import dev.tessera.common.StageTimings;
import dev.tessera.scheduler.AppliedTransition;
import dev.tessera.scheduler.TransitionListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;

/**
 * Counts the transitions the scheduler applied, by model and tenant ({@code
 * tessera_jobs_{started,succeeded,failed,cancelled}_total}), and times the stages of each job that
 * succeeded, plus its wait from submission to its first start ({@code tessera_stage_seconds}, stage
 * {@code queue_wait}). It hears only transitions whose guarded write won, so a redelivered event
 * counts nothing. Thread-safe.
 */
public final class JobMetrics implements TransitionListener {
  /** The stage label of the wait from submission to the start of the first attempt. */
  public static final String QUEUE_WAIT = "queue_wait";

  /** The tenant label of jobs from before tenants existed; no tenant can be named so. */
  static final String NO_TENANT = "-";

  // Render stages run from milliseconds (a tokenizer) to many minutes (a large x4 upscale on a
  // CPU).
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(10),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofSeconds(120),
    Duration.ofSeconds(300),
    Duration.ofSeconds(600),
    Duration.ofSeconds(1800)
  };

  private final MeterRegistry registry;

  public JobMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void applied(AppliedTransition t) {
    String counter =
        switch (t.to()) {
          case RUNNING -> "tessera.jobs.started";
          case SUCCEEDED -> "tessera.jobs.succeeded";
          case FAILED -> "tessera.jobs.failed";
          case CANCELED -> "tessera.jobs.cancelled";
          case QUEUED, DISPATCHED -> null;
        };
    if (counter == null) {
      return;
    }
    String tenant = t.tenant() == null ? NO_TENANT : t.tenant();
    Counter.builder(counter)
        .description("Jobs the scheduler moved to " + t.to())
        .tags("model", t.model(), "tenant", tenant)
        .register(registry)
        .increment();
    Instant started = t.fields().startedAt();
    // A retry's wait would include the earlier attempts; a lost start event has no start time.
    if (t.to() == JobState.RUNNING && t.fields().attempt() == 1 && started != null) {
      Duration wait = Duration.between(t.createdAt(), started);
      // The start is the worker's clock, the submission the gateway's: a skew can make it negative.
      stage(t.model(), QUEUE_WAIT).record(wait.isNegative() ? Duration.ZERO : wait);
    }
    for (StageTimings.Entry e : t.timings()) {
      stage(t.model(), e.stage()).record(Duration.ofNanos(Math.round(e.millis() * 1e6)));
    }
  }

  private Timer stage(String model, String stage) {
    return Timer.builder("tessera.stage")
        .description("Time per render stage of succeeded jobs, and the wait before the first start")
        .tags("model", model, "stage", stage)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }
}
