package dev.tessera.gateway.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.gateway.api.LoraRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A1111's {@code <lora:NAME:SCALE>} prompt tags. */
class LoraTagsTest {
  @Test
  void tagsLeaveThePromptAndBecomeAdapters() {
    LoraTags.Parsed parsed =
        LoraTags.parse("a harbour <lora:film-grain:0.8>, (rain:1.2) <lora:epi_v2>");
    assertEquals("a harbour , (rain:1.2)", parsed.prompt());
    assertEquals(
        List.of(new LoraRequest("film-grain", 0.8), new LoraRequest("epi_v2", null)),
        parsed.loras());
  }

  @Test
  void aPromptWithoutTagsIsUntouched() {
    String prompt = "  a harbour, <not a tag>  ";
    LoraTags.Parsed parsed = LoraTags.parse(prompt);
    assertEquals(prompt, parsed.prompt());
    assertEquals(List.of(), parsed.loras());
  }

  @Test
  void aScaleThatIsNoNumberIsPassedOnForTheChecksToName() {
    LoraRequest lora = LoraTags.parse("x <lora:a:lots>").loras().get(0);
    assertEquals("a", lora.name());
    assertTrue(Double.isNaN(lora.scale()));
  }
}
