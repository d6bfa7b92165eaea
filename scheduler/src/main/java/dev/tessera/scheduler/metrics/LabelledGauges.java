package dev.tessera.scheduler.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One gauge name with two labels whose series are all set at once from a fresh count. A series once
 * exported stays, at 0 when the count no longer has it: a backlog that drained must read 0, not
 * vanish (an autoscaler would keep the last value it saw). Thread-safe.
 */
final class LabelledGauges {
  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final String firstLabel;
  private final String secondLabel;
  // The registry holds gauges' objects weakly; these are the strong references.
  private final Map<List<String>, AtomicLong> series = new ConcurrentHashMap<>();

  LabelledGauges(
      MeterRegistry registry,
      String name,
      String description,
      String firstLabel,
      String secondLabel) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.firstLabel = firstLabel;
    this.secondLabel = secondLabel;
  }

  /**
   * Sets each series to its count in {@code counts}, keyed by its two label values; series missing
   * from {@code counts} drop to 0.
   */
  void set(Map<List<String>, Long> counts) {
    counts.keySet().forEach(this::series);
    series.forEach((labels, value) -> value.set(counts.getOrDefault(labels, 0L)));
  }

  private AtomicLong series(List<String> labels) {
    if (labels.size() != 2) {
      throw new IllegalArgumentException(name + ": expected 2 label values, got " + labels);
    }
    return series.computeIfAbsent(
        List.copyOf(labels),
        l -> {
          AtomicLong value = new AtomicLong();
          Gauge.builder(name, value, AtomicLong::get)
              .description(description)
              .tags(firstLabel, l.get(0), secondLabel, l.get(1))
              .register(registry);
          return value;
        });
  }
}
