package dev.tessera.render.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.LoraRef;
import dev.tessera.common.RenderSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationParametersTest {
  @Test
  void adaptersFollowThePromptAsA1111Tags() {
    RenderSettings settings =
        RenderSettings.of("a harbour, (rain:1.2)")
            .withLoras(List.of(new LoraRef("film-grain", 0.8), new LoraRef("epi", -1)));
    String text =
        GenerationParameters.format(RenderRequest.of(settings), "sd21", false, "linspace");
    assertEquals(
        "a harbour, (rain:1.2) <lora:film-grain:0.8> <lora:epi:-1.0>",
        text.lines().findFirst().get());
  }

  @Test
  void withoutAdaptersThePromptLineIsThePrompt() {
    String text =
        GenerationParameters.format(
            RenderRequest.of(RenderSettings.of("a harbour")), "sd21", false, "linspace");
    assertTrue(text.startsWith("a harbour\nSteps: 25"), text);
  }
}
