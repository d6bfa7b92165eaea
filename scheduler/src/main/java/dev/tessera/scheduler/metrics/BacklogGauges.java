package dev.tessera.scheduler.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The gauges to scale on: {@code tessera_jobs_backlog{model,state}} and {@code
 * tessera_workers{model,status}}, set from one {@link BacklogQuery} per {@link #sample()}, however
 * often Prometheus scrapes. Every scheduler replica exports the same numbers, so queries take
 * {@code max} over replicas. Thread-safe.
 */
final class BacklogGauges {
  private final BacklogQuery query;
  private final LabelledGauges backlog;
  private final LabelledGauges workers;

  /**
   * @param lease a worker not heard from for this long is not counted (the scheduler's lease)
   */
  BacklogGauges(DataSource dataSource, Duration lease, MeterRegistry registry) {
    this.query = new BacklogQuery(dataSource, lease);
    this.backlog =
        new LabelledGauges(
            registry,
            "tessera.jobs.backlog",
            "Jobs waiting for a worker: queued in PostgreSQL, or dispatched to Kafka and not started",
            "model",
            "state");
    this.workers =
        new LabelledGauges(
            registry,
            "tessera.workers",
            "Live render workers per model they serve, busy or idle",
            "model",
            "status");
  }

  /**
   * Reads the counts and sets the gauges; on a failure they keep their values.
   *
   * @throws dev.tessera.scheduler.JobRepository.StoreException when the database fails
   */
  void sample() {
    FarmCounts counts = query.read().complete();
    backlog.set(counts.backlog());
    workers.set(counts.workers());
  }
}
