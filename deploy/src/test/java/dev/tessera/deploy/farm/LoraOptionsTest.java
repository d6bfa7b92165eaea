package dev.tessera.deploy.farm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class LoraOptionsTest {
  @Test
  void namesWithAndWithoutScale() {
    assertEquals(
        "[{\"name\":\"film-grain\",\"scale\":0.8},{\"name\":\"epi\",\"scale\":1.0}]",
        LoraOptions.toJson(List.of("film-grain:0.8", "epi")).toString());
  }

  @Test
  void aScaleThatIsNoNumberIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> LoraOptions.toJson(List.of("film:strong")));
    assertEquals("--lora: expected NAME:SCALE, got 'film:strong'", e.getMessage());
  }
}
