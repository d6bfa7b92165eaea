package dev.tessera.gateway.metrics;

import dev.tessera.common.tenants.Tenant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the jobs this gateway accepted, {@code tessera_jobs_submitted_total{model,tenant}}, once
 * their rows are committed: a refused request, a rolled-back one and an idempotent replay count
 * nothing. Labels stay few: models are the configured ones, and tenants are made by operators.
 * Thread-safe.
 */
public final class SubmittedJobs {
  private final MeterRegistry registry;

  public SubmittedJobs(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts {@code jobs} jobs of {@code model} that {@code tenant} submitted. */
  public void add(Tenant tenant, String model, int jobs) {
    Counter.builder("tessera.jobs.submitted")
        .description("Jobs accepted and stored, queued")
        .tags("model", model, "tenant", tenant.name())
        .register(registry)
        .increment(jobs);
  }
}
