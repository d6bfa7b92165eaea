package dev.tessera.scheduler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FarmCountsTest {
  @Test
  void everyModelNamedAnywhereGetsEveryStateAndStatus() {
    FarmCounts counts =
        new FarmCounts(
                Map.of(List.of("sd21", "queued"), 7L),
                Map.of(List.of("sdxl", "idle"), 2L, List.of("sd21", "busy"), 1L))
            .complete();
    assertEquals(
        Map.of(
            List.of("sd21", "queued"), 7L,
            List.of("sd21", "dispatched"), 0L,
            List.of("sdxl", "queued"), 0L,
            List.of("sdxl", "dispatched"), 0L),
        counts.backlog());
    assertEquals(
        Map.of(
            List.of("sd21", "busy"), 1L,
            List.of("sd21", "idle"), 0L,
            List.of("sd21", "draining"), 0L,
            List.of("sdxl", "busy"), 0L,
            List.of("sdxl", "idle"), 2L,
            List.of("sdxl", "draining"), 0L),
        counts.workers());
  }

  @Test
  void nothingCountedStaysEmpty() {
    FarmCounts counts = new FarmCounts(Map.of(), Map.of()).complete();
    assertEquals(Map.of(), counts.backlog());
    assertEquals(Map.of(), counts.workers());
  }
}
