package dev.tessera.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RenderSettingsTest {
  private static RenderSettings valid() {
    return RenderSettings.of("a photo of a cat");
  }

  private static List<String> fields(RenderSettings s) {
    return s.problems().stream().map(FieldProblem::field).toList();
  }

  @Test
  void defaultsAreValid() {
    assertTrue(valid().problems().isEmpty());
  }

  @Test
  void eachBadFieldIsNamed() {
    RenderSettings s = valid();
    assertEquals(
        List.of("prompt"), fields(new RenderSettings(" ", "", 1, 20, 7, "euler", false, 512, 512)));
    assertEquals(
        List.of("steps"), fields(new RenderSettings("x", "", 1, 0, 7, "euler", false, 512, 512)));
    assertEquals(
        List.of("steps"), fields(new RenderSettings("x", "", 1, 501, 7, "euler", false, 512, 512)));
    assertEquals(
        List.of("guidance"),
        fields(new RenderSettings("x", "", 1, 20, -0.5, "euler", false, 512, 512)));
    assertEquals(
        List.of("guidance"),
        fields(new RenderSettings("x", "", 1, 20, Double.NaN, "euler", false, 512, 512)));
    assertEquals(
        List.of("scheduler"),
        fields(new RenderSettings("x", "", 1, 20, 7, "plms", false, 512, 512)));
    assertEquals(
        List.of("karras"), fields(new RenderSettings("x", "", 1, 20, 7, "ddim", true, 512, 512)));
    assertEquals(
        List.of("width"), fields(new RenderSettings("x", "", 1, 20, 7, "euler", false, 500, 512)));
    assertEquals(
        List.of("height"),
        fields(new RenderSettings("x", "", 1, 20, 7, "euler", false, 512, 4096)));
    assertEquals(s, s.withDefaults());
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    RenderSettings s = new RenderSettings("", null, 0, -1, 99, "nope", false, 7, 9);
    assertEquals(List.of("prompt", "steps", "guidance", "scheduler", "width", "height"), fields(s));
    assertTrue(s.problems().get(3).detail().contains("ddim, euler, euler-a, dpmpp-2m"));
  }
}
