package dev.tessera.render.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.RenderSettings;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.miniature.MiniatureKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cross-job batching on real ONNX Runtime sessions over the miniature SD 2.x bundle (dynamic batch;
 * untrained: pipeline, not pictures): each image of a batch is the image rendered alone.
 */
class BatchRenderTest {
  /** Byte values may differ by float rounding where the UNet's kernels sum in another order. */
  private static final int TOLERANCE = 2;

  private static Renderer sd2;

  @BeforeAll
  static void open() throws IOException {
    sd2 =
        Renderer.open(MiniatureFixtures.bundle(MiniatureKind.SD2, false), EngineOptions.defaults());
  }

  @AfterAll
  static void close() {
    sd2.close();
  }

  private static RenderSettings settings(
      String prompt, String negative, long seed, double guidance, String scheduler, int width) {
    return new RenderSettings(prompt, negative, seed, 5, guidance, scheduler, false, width, 64);
  }

  private static RgbImage alone(RenderSettings s) throws IOException {
    return sd2.render(RenderRequest.of(s), RenderListener.NONE, new CancelToken()).image();
  }

  private static BatchItem item(RenderSettings s) {
    return new BatchItem(RenderRequest.of(s), RenderListener.NONE, new CancelToken());
  }

  private static int maxDiff(RgbImage a, RgbImage b) {
    assertEquals(a.rgb().length, b.rgb().length);
    int max = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      max = Math.max(max, Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff)));
    }
    return max;
  }

  private static void assertSameImage(RgbImage alone, RgbImage batched, String what) {
    int diff = maxDiff(alone, batched);
    assertTrue(diff <= TOLERANCE, what + ": batched differs from alone by up to " + diff);
  }

  @Test
  void everyImageOfABatchEqualsItsRenderAlone() throws IOException {
    for (String scheduler : List.of("euler-a", "dpmpp-2m")) {
      List<RenderSettings> jobs =
          List.of(
              settings("a lighthouse at dusk", "blurry", 11, 7.5, scheduler, 96),
              settings("a red bicycle in the rain", "", 12, 3, scheduler, 96),
              settings("(mountains:1.3) under snow", "people", 13, 12, scheduler, 96));
      List<BatchOutcome> outcomes =
          sd2.renderBatch(jobs.stream().map(BatchRenderTest::item).toList(), new CancelToken());
      assertEquals(3, outcomes.size());
      List<RgbImage> images = new ArrayList<>();
      for (int i = 0; i < jobs.size(); i++) {
        RenderResult batched = outcomes.get(i).get();
        assertSameImage(alone(jobs.get(i)), batched.image(), scheduler + " job " + i);
        assertTrue(
            batched.timings().entries().stream()
                .anyMatch(t -> t.stage().equals("denoise") && t.detail().endsWith("batch of 3")),
            "the denoise timing names the batch: " + batched.timings().entries());
        assertTrue(batched.parameters().contains("Seed: " + (11 + i)), batched.parameters());
        images.add(batched.image());
      }
      assertTrue(maxDiff(images.get(0), images.get(1)) > 20, "jobs keep their own images");
    }
  }

  @Test
  void unguidedJobsBatchTogetherAndLongPromptsDenoiseInTheirOwnBatch() throws IOException {
    String longPrompt = "a quiet harbour with boats and gulls and nets and ropes ".repeat(12);
    List<RenderSettings> jobs =
        List.of(
            settings("a cat", "", 1, 1, "ddim", 64),
            settings(longPrompt, "", 2, 1, "ddim", 64),
            settings("a dog", "", 3, 0, "ddim", 64));
    List<BatchOutcome> outcomes =
        sd2.renderBatch(jobs.stream().map(BatchRenderTest::item).toList(), new CancelToken());
    for (int i = 0; i < jobs.size(); i++) {
      assertSameImage(alone(jobs.get(i)), outcomes.get(i).get().image(), "unguided job " + i);
    }
    String longDenoise =
        outcomes.get(1).get().timings().entries().stream()
            .filter(t -> t.stage().equals("denoise"))
            .findFirst()
            .orElseThrow()
            .detail();
    assertTrue(longDenoise.endsWith("batch of 1"), longDenoise);
  }

  @Test
  void aJobCancelledMidBatchLeavesItAndTheOthersFinishUnchanged() throws IOException {
    RenderSettings first = settings("a castle", "fog", 21, 7, "euler", 64);
    RenderSettings second = settings("a forest", "fog", 22, 7, "euler", 64);
    RenderSettings third = settings("a desert", "fog", 23, 7, "euler", 64);
    CancelToken secondCancel = new CancelToken();
    List<String> secondSteps = new ArrayList<>();
    List<BatchItem> items =
        List.of(
            item(first),
            new BatchItem(
                RenderRequest.of(second),
                (step, total) -> {
                  secondSteps.add(step + "/" + total);
                  if (step == 2) {
                    secondCancel.cancel();
                  }
                },
                secondCancel),
            item(third));
    List<BatchOutcome> outcomes = sd2.renderBatch(items, new CancelToken());
    assertEquals(List.of("1/5", "2/5"), secondSteps, "the cancelled job stops after its step");
    assertInstanceOf(RenderCancelledException.class, outcomes.get(1).failure());
    assertNull(outcomes.get(1).result());
    assertThrows(RenderCancelledException.class, () -> outcomes.get(1).get());
    assertSameImage(alone(first), outcomes.get(0).get().image(), "first");
    assertSameImage(alone(third), outcomes.get(2).get().image(), "third");
  }

  @Test
  void badSettingsFailOnlyTheirJob() throws IOException {
    RenderSettings good = settings("a boat", "", 31, 7, "ddim", 64);
    RenderSettings bad = settings(" ", "", 32, 7, "ddim", 64);
    RenderSettings badSize = settings("a boat", "", 33, 7, "ddim", 65);
    List<BatchOutcome> outcomes =
        sd2.renderBatch(List.of(item(good), item(bad), item(badSize)), new CancelToken());
    assertSameImage(alone(good), outcomes.get(0).get().image(), "good");
    assertInstanceOf(UnsupportedRequestException.class, outcomes.get(1).failure());
    assertTrue(outcomes.get(1).failure().getMessage().contains("prompt"));
    assertInstanceOf(UnsupportedRequestException.class, outcomes.get(2).failure());
    assertTrue(outcomes.get(2).failure().getMessage().contains("width"));
  }

  @Test
  void incompatibleJobsAreNeverBatchedTogether() {
    RenderSettings base = settings("a boat", "", 41, 7, "ddim", 64);
    List<RenderSettings> others =
        List.of(
            settings("a boat", "", 41, 7, "ddim", 96), // size
            new RenderSettings("a boat", "", 41, 6, 7, "ddim", false, 64, 64), // steps
            settings("a boat", "", 41, 7, "euler", 64), // scheduler
            new RenderSettings("a boat", "", 41, 5, 7, "euler", true, 64, 64), // karras
            settings("a boat", "", 41, 1, "ddim", 64)); // guidance off
    for (RenderSettings other : others) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> sd2.renderBatch(List.of(item(base), item(other)), new CancelToken()));
      assertTrue(e.getMessage().contains("cannot share a batch"), e.getMessage());
      assertTrue(!BatchKey.of(RenderRequest.of(base)).equals(BatchKey.of(RenderRequest.of(other))));
    }
    RgbImage init = new RgbImage(64, 64, new byte[64 * 64 * 3]);
    assertNull(BatchKey.of(new RenderRequest(base, init, 0.5, null)), "img2img renders alone");
  }

  @Test
  void theBatchTokenStopsEveryJob() {
    CancelToken batch = new CancelToken();
    batch.cancel();
    RenderSettings s = settings("a boat", "", 51, 7, "ddim", 64);
    assertThrows(
        RenderCancelledException.class, () -> sd2.renderBatch(List.of(item(s), item(s)), batch));
  }
}
