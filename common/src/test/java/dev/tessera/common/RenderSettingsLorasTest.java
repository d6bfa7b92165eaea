package dev.tessera.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The adapters a job names: checked field by field, carried in the job's JSON. */
class RenderSettingsLorasTest {
  private static RenderSettings with(LoraRef... loras) {
    return RenderSettings.of("a harbour").withLoras(Arrays.asList(loras));
  }

  private static List<String> fields(RenderSettings s) {
    return s.problems().stream().map(FieldProblem::field).toList();
  }

  @Test
  void validAdaptersPass() {
    RenderSettings s = with(new LoraRef("film-grain", 0.8), new LoraRef("epi_v2.1", -1.5));
    assertTrue(s.problems().isEmpty(), s.problems().toString());
    assertEquals(List.of(), RenderSettings.of("a harbour").loras());
  }

  @Test
  void eachBadAdapterFieldIsNamed() {
    assertEquals(List.of("loras[0].name"), fields(with(new LoraRef("../secrets", 1))));
    assertEquals(List.of("loras[0].name"), fields(with(new LoraRef(null, 1))));
    assertEquals(
        List.of("loras[1].scale"), fields(with(new LoraRef("a", 1), new LoraRef("b", 4.5))));
    assertEquals(List.of("loras[0].scale"), fields(with(new LoraRef("a", Double.NaN))));
    assertEquals(List.of("loras[1].name"), fields(with(new LoraRef("a", 1), new LoraRef("a", 2))));
    assertEquals(List.of("loras[0]"), fields(with((LoraRef) null)));
    RenderSettings five =
        with(
            new LoraRef("a", 1),
            new LoraRef("b", 1),
            new LoraRef("c", 1),
            new LoraRef("d", 1),
            new LoraRef("e", 1));
    assertEquals(List.of("loras"), fields(five));
    assertTrue(five.problems().get(0).detail().contains("at most 4"));
  }

  @Test
  void adaptersTravelInTheJobsJsonAndOlderMessagesHaveNone() {
    RenderSettings s = with(new LoraRef("film-grain", 0.8));
    String json = new String(Json.encode(s), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"loras\":[{\"name\":\"film-grain\",\"scale\":0.8}]"), json);
    assertEquals(s, Json.decode(json.getBytes(StandardCharsets.UTF_8), RenderSettings.class));
    String plain = new String(Json.encode(RenderSettings.of("x")), StandardCharsets.UTF_8);
    assertFalse(plain.contains("loras"), "no adapters, no field: " + plain);
    RenderSettings old =
        Json.decode(
            "{\"prompt\":\"x\",\"steps\":3,\"width\":64,\"height\":64}"
                .getBytes(StandardCharsets.UTF_8),
            RenderSettings.class);
    assertEquals(List.of(), old.loras());
  }
}
