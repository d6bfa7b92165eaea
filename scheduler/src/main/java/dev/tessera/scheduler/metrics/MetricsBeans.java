package dev.tessera.scheduler.metrics;

import dev.tessera.scheduler.TransitionListener;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Wires the job counters into the repository: the listener of its transitions. */
public class MetricsBeans {
  @Produces
  @Singleton
  TransitionListener jobMetrics(MeterRegistry registry) {
    return new JobMetrics(registry);
  }
}
