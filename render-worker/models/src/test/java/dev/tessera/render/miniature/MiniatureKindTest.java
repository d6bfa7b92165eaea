package dev.tessera.render.miniature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MiniatureKindTest {
  @Test
  void parsesCliNamesIgnoringCase() {
    assertEquals(MiniatureKind.SD2, MiniatureKind.parse("sd2"));
    assertEquals(MiniatureKind.SD2_V, MiniatureKind.parse("sd2-v"));
    assertEquals(MiniatureKind.SD1, MiniatureKind.parse("SD1"));
    for (MiniatureKind kind : MiniatureKind.values()) {
      assertEquals(kind, MiniatureKind.parse(kind.cliName()));
    }
  }

  @Test
  void rejectsUnknownNamesListingTheAllowedOnes() {
    for (String bad : new String[] {"sd3", "SD2_V", "", null}) {
      IllegalArgumentException error =
          assertThrows(IllegalArgumentException.class, () -> MiniatureKind.parse(bad));
      assertTrue(error.getMessage().contains("sd2, sd2-v, sd1"), error.getMessage());
    }
  }
}
