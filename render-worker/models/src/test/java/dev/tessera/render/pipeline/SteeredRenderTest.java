package dev.tessera.render.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.RenderSettings;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.miniature.MiniatureKind;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Weighted and long prompts through whole renders on miniature bundles (untrained: proves the
 * conditioning reaches the UNet, not a look).
 */
class SteeredRenderTest {
  private static final String WORDS = "mountain rain jacket road harbour lighthouse dusk fog ";

  private static RenderResult render(Renderer renderer, String prompt, String negative)
      throws IOException {
    RenderSettings settings =
        new RenderSettings(prompt, negative, 9, 2, 7.5, "euler", false, 64, 64);
    return renderer.render(RenderRequest.of(settings), RenderListener.NONE, new CancelToken());
  }

  @Test
  void tokensPast75ChangeTheImageWhereTheUnetTakesThem() throws IOException {
    try (Renderer sd2 =
        Renderer.open(
            MiniatureFixtures.bundle(MiniatureKind.SD2, false), EngineOptions.defaults())) {
      String first75 = WORDS.repeat(10).strip(); // 80 words, one token each
      List<String> words = Arrays.asList(first75.split(" "));
      String cut = String.join(" ", words.subList(0, 75));
      String longer = cut + " " + "violet storm clouds over the sea";
      RenderResult shortResult = render(sd2, cut, "blurry");
      RenderResult longResult = render(sd2, longer, "blurry");
      assertEquals(List.of(), longResult.droppedWords());
      assertFalse(
          Arrays.equals(shortResult.image().rgb(), longResult.image().rgb()),
          "the second window reaches the UNet");
    }
  }

  @Test
  void aUnetFixedAt77TokensGetsTheFirstWindowAndReportsTheRest() throws IOException {
    try (Renderer sd1 =
        Renderer.open(
            MiniatureFixtures.bundle(MiniatureKind.SD1, false), EngineOptions.defaults())) {
      String cut = String.join(" ", Arrays.asList(WORDS.repeat(10).split(" ")).subList(0, 75));
      RenderResult longResult = render(sd1, cut + " violet storm", "");
      assertEquals(List.of("violet", "storm"), longResult.droppedWords());
      assertArrayEquals(render(sd1, cut, "").image().rgb(), longResult.image().rgb());
    }
  }

  @Test
  void emphasisOnEitherPromptChangesTheImage() throws IOException {
    try (Renderer sd2 =
        Renderer.open(
            MiniatureFixtures.bundle(MiniatureKind.SD2, false), EngineOptions.defaults())) {
      byte[] plain = render(sd2, "a lighthouse in rain", "blurry").image().rgb();
      byte[] weighted = render(sd2, "a lighthouse in (rain:1.5)", "blurry").image().rgb();
      byte[] weightedNegative = render(sd2, "a lighthouse in rain", "[blurry]").image().rgb();
      assertFalse(Arrays.equals(plain, weighted), "prompt emphasis");
      assertFalse(Arrays.equals(plain, weightedNegative), "negative prompt emphasis");
      assertTrue(
          Arrays.equals(
              render(sd2, "a lighthouse (in) rain", "").image().rgb(),
              render(sd2, "a lighthouse (in:1.1) rain", "").image().rgb()),
          "(x) is (x:1.1)");
    }
  }
}
