package dev.tessera.render.worker;

import dev.tessera.render.worker.JobHandler.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's own metrics: {@code tessera_worker_busy} (1 while a job is under way, else 0) and
 * {@code tessera_worker_renders_total{model,outcome}}, one per job taken, by how it ended ({@code
 * succeeded}, {@code failed}, {@code retryable}, {@code cancelled}). A record that is not a
 * dispatched job is dropped before it counts as taken; and {@code
 * tessera_worker_batch_jobs{model}}, the number of jobs in each UNet batch it denoised (1 for a job
 * rendered alone in a batching worker). Thread-safe.
 */
public final class WorkerMetrics {
  private final MeterRegistry registry;
  // The registry holds a gauge's object weakly; this is the strong reference.
  private final AtomicInteger busy = new AtomicInteger();

  public WorkerMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("tessera.worker.busy", busy, AtomicInteger::get)
        .description("1 while this worker has a job under way, else 0")
        .register(registry);
  }

  void busy(boolean busy) {
    this.busy.set(busy ? 1 : 0);
  }

  void ended(String model, Outcome outcome) {
    Counter.builder("tessera.worker.renders")
        .description("Jobs this worker took, by how they ended")
        .tags("model", model, "outcome", label(outcome))
        .register(registry)
        .increment();
  }

  void batch(String model, int jobs) {
    DistributionSummary.builder("tessera.worker.batch.jobs")
        .description("Jobs denoised together in one UNet batch")
        .tags("model", model)
        .register(registry)
        .record(jobs);
  }

  private static String label(Outcome outcome) {
    return switch (outcome) {
      case SUCCEEDED -> "succeeded";
      case FAILED -> "failed";
      case RETRYABLE -> "retryable";
      case CANCELED -> "cancelled";
      case DROPPED -> throw new IllegalArgumentException("a dropped record is no job taken");
    };
  }
}
