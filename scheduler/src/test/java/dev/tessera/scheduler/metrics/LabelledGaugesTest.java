package dev.tessera.scheduler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelledGaugesTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final LabelledGauges gauges =
      new LabelledGauges(registry, "backlog", "jobs waiting", "model", "state");

  private double value(String model, String state) {
    return registry.get("backlog").tags("model", model, "state", state).gauge().value();
  }

  @Test
  void aSeriesOnceSeenReadsZeroWhenTheCountNoLongerHasIt() {
    gauges.set(Map.of(List.of("sd21", "queued"), 12L, List.of("sdxl", "queued"), 3L));
    assertEquals(12, value("sd21", "queued"));
    assertEquals(3, value("sdxl", "queued"));

    gauges.set(Map.of(List.of("sd21", "queued"), 5L));
    assertEquals(5, value("sd21", "queued"));
    assertEquals(0, value("sdxl", "queued"), "drained, still exported");
    assertEquals(2, registry.find("backlog").gauges().size());
  }

  @Test
  void labelValuesMustBeTwo() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> gauges.set(Map.of(List.of("sd21"), 1L)));
    assertEquals("backlog: expected 2 label values, got [sd21]", e.getMessage());
  }
}
