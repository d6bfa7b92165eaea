package dev.tessera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  private static final String SCRAPE =
      """
      # HELP tessera_jobs_submitted_total Jobs accepted and stored, queued
      # TYPE tessera_jobs_submitted_total counter
      tessera_jobs_submitted_total{model="sd21",tenant="studio",} 3.0
      tessera_jobs_submitted_total{model="sd21",tenant="ops"} 2.0 1700000000000
      tessera_stage_seconds_bucket{model="sd21",stage="png",le="+Inf",} 4.0
      tessera_outbox_pending 0.0
      odd{path="C:\\\\tmp",quote="say \\"hi\\"",nl="a\\nb"} -Inf

      """;

  @Test
  void readsNamesLabelsAndValues() {
    PrometheusText text = PrometheusText.parse(SCRAPE);
    assertEquals(5, text.samples().size());
    assertEquals(
        Optional.of(3.0),
        text.value("tessera_jobs_submitted_total", Map.of("model", "sd21", "tenant", "studio")));
    assertEquals(5.0, text.sum("tessera_jobs_submitted_total", Map.of("model", "sd21")));
    assertEquals(0.0, text.sum("tessera_jobs_failed_total", Map.of()), "absent: nothing counted");
    assertEquals(
        Optional.of(4.0),
        text.value(
            "tessera_stage_seconds_bucket", Map.of("model", "sd21", "stage", "png", "le", "+Inf")));
    assertEquals(Optional.of(0.0), text.value("tessera_outbox_pending", Map.of()));
    assertEquals(
        Optional.of(Double.NEGATIVE_INFINITY),
        text.value("odd", Map.of("path", "C:\\tmp", "quote", "say \"hi\"", "nl", "a\nb")));
    assertTrue(text.value("tessera_jobs_submitted_total", Map.of("model", "sd21")).isEmpty());
  }

  @Test
  void aBrokenLineFailsNamingIt() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PrometheusText.parse("ok 1\nbroken{model=\"sd21} 2\n"));
    assertTrue(e.getMessage().startsWith("line 2: unterminated label value"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> PrometheusText.parse("x{a=\"1\"} many\n"));
    assertTrue(e.getMessage().startsWith("line 1: not a value: many"), e.getMessage());
  }
}
