package dev.tessera.render.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.common.RenderSettings;
import dev.tessera.common.Sampler;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.image.PngWriter;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.miniature.MiniatureKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole engine on real ONNX Runtime sessions over miniature bundles (untrained: pipeline, not
 * pictures).
 */
class RendererTest {
  private static Renderer sd2;
  private static Renderer sd2v;

  @BeforeAll
  static void open() throws IOException {
    sd2 =
        Renderer.open(MiniatureFixtures.bundle(MiniatureKind.SD2, false), EngineOptions.defaults());
    sd2v =
        Renderer.open(
            MiniatureFixtures.bundle(MiniatureKind.SD2_V, false), EngineOptions.defaults());
  }

  @AfterAll
  static void close() {
    sd2.close();
    sd2v.close();
  }

  private static RenderSettings settings(long seed, String sampler, double guidance) {
    return new RenderSettings(
        "A person standing on road wearing jacket with Mountain in background and its raining",
        "blurry",
        seed,
        6,
        guidance,
        sampler,
        false,
        128,
        96);
  }

  private static RgbImage render(Renderer renderer, RenderSettings settings) throws IOException {
    return renderer
        .render(RenderRequest.of(settings), RenderListener.NONE, new CancelToken())
        .image();
  }

  private static byte[] png(RenderResult result) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PngWriter.write(result.image(), Map.of("parameters", result.parameters()), out);
    return out.toByteArray();
  }

  static double meanAbsDiff(RgbImage a, RgbImage b) {
    long sum = 0;
    for (int i = 0; i < a.rgb().length; i++) {
      sum += Math.abs((a.rgb()[i] & 0xff) - (b.rgb()[i] & 0xff));
    }
    return (double) sum / a.rgb().length;
  }

  static double spread(RgbImage image) {
    int min = 255;
    int max = 0;
    for (byte b : image.rgb()) {
      min = Math.min(min, b & 0xff);
      max = Math.max(max, b & 0xff);
    }
    return max - min;
  }

  @Test
  void sameSeedGivesIdenticalPngsAndAnotherSeedDiffers() throws IOException {
    RenderResult a =
        sd2.render(
            RenderRequest.of(settings(7, "euler", 7.5)), RenderListener.NONE, new CancelToken());
    RenderResult b =
        sd2.render(
            RenderRequest.of(settings(7, "euler", 7.5)), RenderListener.NONE, new CancelToken());
    RenderResult c =
        sd2.render(
            RenderRequest.of(settings(8, "euler", 7.5)), RenderListener.NONE, new CancelToken());
    assertEquals(128, a.image().width());
    assertEquals(96, a.image().height());
    assertArrayEquals(png(a), png(b));
    assertTrue(meanAbsDiff(a.image(), c.image()) > 1, "different seeds give different images");
    assertTrue(spread(a.image()) > 20, "the image is not flat");
  }

  @Test
  void everySamplerRendersWithEpsilonAndVPrediction() throws IOException {
    for (Renderer renderer : List.of(sd2, sd2v)) {
      List<RgbImage> images = new ArrayList<>();
      for (String sampler : Sampler.wireNames()) {
        images.add(render(renderer, settings(3, sampler, 5)));
      }
      for (int i = 1; i < images.size(); i++) {
        assertTrue(
            meanAbsDiff(images.get(0), images.get(i)) > 0.1,
            "sampler " + i + " changes the result");
      }
    }
  }

  @Test
  void guidanceAtMostOneRendersUnguidedAndDiffers() throws IOException {
    RgbImage unguided = render(sd2, settings(5, "ddim", 1));
    RgbImage guided = render(sd2, settings(5, "ddim", 9));
    assertTrue(meanAbsDiff(unguided, guided) > 0.1);
  }

  @Test
  void staticBatchUnetWithInt32IdsRendersWithGuidance() throws IOException {
    try (Renderer sd1 =
        Renderer.open(
            MiniatureFixtures.bundle(MiniatureKind.SD1, false), EngineOptions.defaults())) {
      RgbImage guided = render(sd1, settings(5, "dpmpp-2m", 7));
      RgbImage unguided = render(sd1, settings(5, "dpmpp-2m", 1));
      assertTrue(meanAbsDiff(guided, unguided) > 0.1);
    }
  }

  @Test
  void fp16BundleRendersCloseToItsFp32Twin() throws IOException {
    try (Renderer fp16 =
        Renderer.open(
            MiniatureFixtures.bundle(MiniatureKind.SD2, true), EngineOptions.defaults())) {
      RgbImage half = render(fp16, settings(11, "euler", 7.5));
      RgbImage full = render(sd2, settings(11, "euler", 7.5));
      double diff = meanAbsDiff(half, full);
      assertTrue(diff < 8, "fp16 weights round, the picture stays: mean abs diff " + diff);
    }
  }

  @Test
  void progressIsReportedPerStep() throws IOException {
    List<String> events = new ArrayList<>();
    sd2.render(
        RenderRequest.of(settings(1, "euler-a", 7)),
        (s, t) -> events.add(s + "/" + t),
        new CancelToken());
    assertEquals(List.of("1/6", "2/6", "3/6", "4/6", "5/6", "6/6"), events);
  }

  /**
   * img2img starts from the init image's latents and runs only the last part of the schedule.
   * (Whether a low strength keeps the picture is a property of trained weights, which the miniature
   * does not have.)
   */
  @Test
  void img2imgStartsFromTheInitImageAndRunsTheLastStepsOnly() throws IOException {
    RgbImage first = render(sd2, settings(21, "ddim", 7.5));
    RgbImage second = render(sd2, settings(22, "ddim", 7.5));
    List<String> events = new ArrayList<>();
    RgbImage fromFirst =
        sd2.render(
                new RenderRequest(settings(4, "ddim", 7.5), first, 0.34, null),
                (s, t) -> events.add(s + "/" + t),
                new CancelToken())
            .image();
    RgbImage fromSecond =
        sd2.render(
                new RenderRequest(settings(4, "ddim", 7.5), second, 0.34, null),
                RenderListener.NONE,
                new CancelToken())
            .image();
    assertEquals(List.of("1/2", "2/2"), events, "strength 0.34 of 6 steps runs the last 2");
    assertTrue(
        meanAbsDiff(fromFirst, fromSecond) > 1,
        "same seed, different init images, different results");
    RgbImage resized =
        sd2.render(
                new RenderRequest(
                    settings(4, "ddim", 7.5),
                    RgbImage.of(first.toBufferedImage(), 40, 30),
                    0.34,
                    null),
                RenderListener.NONE,
                new CancelToken())
            .image();
    assertEquals(128, resized.width(), "the init image is resized to the requested size");
  }

  @Test
  void strengthThatRunsNoStepIsRejected() {
    UnsupportedRequestException e =
        assertThrows(UnsupportedRequestException.class, () -> Renderer.firstImg2ImgStep(6, 0.1));
    assertTrue(e.getMessage().contains("strength"));
    assertEquals(4, Renderer.firstImg2ImgStep(6, 0.34));
    assertEquals(0, Renderer.firstImg2ImgStep(6, 1.0));
  }

  @Test
  void cancellingBetweenStepsStopsTheRenderAndKeepsTheRendererUsable() throws IOException {
    CancelToken cancel = new CancelToken();
    List<Integer> steps = new ArrayList<>();
    assertThrows(
        RenderCancelledException.class,
        () ->
            sd2.render(
                RenderRequest.of(settings(1, "euler", 7)),
                (s, t) -> {
                  steps.add(s);
                  if (s == 2) {
                    cancel.cancel();
                  }
                },
                cancel));
    assertEquals(List.of(1, 2), steps);
    assertNotNull(render(sd2, settings(1, "euler", 7)));
  }

  /**
   * A cancel that arrives while the (untiled, large) VAE decode runs can only take effect inside
   * ONNX Runtime: the decode is the last stage, so a render that ignored it would return an image.
   */
  @Test
  void cancellingDuringASessionRunTerminatesIt() throws Exception {
    try (Renderer untiled =
        Renderer.open(
            MiniatureFixtures.bundle(MiniatureKind.SD2, false),
            EngineOptions.defaults().withDecodeTile(512, 16))) {
      RenderSettings big = new RenderSettings("a cat", "", 1, 1, 1, "euler", false, 2048, 2048);
      CancelToken cancel = new CancelToken();
      CompletableFuture<Void> canceller = new CompletableFuture<>();
      RenderListener cancelSoonAfterLastStep =
          (s, t) ->
              CompletableFuture.runAsync(
                      cancel::cancel, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS))
                  .thenRun(() -> canceller.complete(null));
      assertThrows(
          RenderCancelledException.class,
          () -> untiled.render(RenderRequest.of(big), cancelSoonAfterLastStep, cancel));
      canceller.get(10, TimeUnit.SECONDS);
      assertTrue(cancel.isCancelled());
    }
  }

  @Test
  void tiledDecodeMatchesUntiledDecode() throws IOException {
    RenderSettings wide = new RenderSettings("a cat", "", 9, 2, 7, "euler", false, 640, 384);
    try (Renderer tiled =
            Renderer.open(
                MiniatureFixtures.bundle(MiniatureKind.SD2, false),
                EngineOptions.defaults().withDecodeTile(32, 16));
        Renderer whole =
            Renderer.open(
                MiniatureFixtures.bundle(MiniatureKind.SD2, false),
                EngineOptions.defaults().withDecodeTile(128, 16))) {
      RenderResult a = tiled.render(RenderRequest.of(wide), RenderListener.NONE, new CancelToken());
      RenderResult b = whole.render(RenderRequest.of(wide), RenderListener.NONE, new CancelToken());
      String tiles =
          a.timings().entries().stream()
              .filter(e -> e.stage().equals("decode"))
              .findFirst()
              .orElseThrow()
              .detail();
      assertEquals("8 tiles", tiles);
      int maxDiff = 0;
      for (int i = 0; i < a.image().rgb().length; i++) {
        maxDiff =
            Math.max(maxDiff, Math.abs((a.image().rgb()[i] & 0xff) - (b.image().rgb()[i] & 0xff)));
      }
      assertTrue(maxDiff <= 1, "tiled and untiled decodes differ by at most 1/255, got " + maxDiff);
    }
  }

  /**
   * Some exports name the VAE decoder's folder {@code vae/}: its model and its config.json are
   * used.
   */
  @Test
  void aBundleWhoseDecoderFolderIsVaeRendersTheSame(@TempDir Path tmp) throws IOException {
    Path dir = MiniatureFixtures.copy(MiniatureKind.SD2, tmp.resolve("vae"));
    Files.move(dir.resolve("vae_decoder"), dir.resolve("vae"));
    try (Renderer renderer = Renderer.open(dir, EngineOptions.defaults())) {
      assertEquals("vae/model.onnx", renderer.bundle().vaeDecoder());
      assertArrayEquals(
          render(sd2, settings(12, "euler", 7)).rgb(),
          render(renderer, settings(12, "euler", 7)).rgb());
    }
    Files.writeString(dir.resolve("vae/config.json"), "{\"scaling_factor\": 0.25}");
    assertEquals(0.25, ModelBundle.open(dir).scalingFactor());
  }

  /**
   * With both folders, {@code vae_decoder/} wins: a broken {@code vae/} beside it is never read.
   */
  @Test
  void vaeDecoderWinsOverVae(@TempDir Path tmp) throws IOException {
    Path dir = MiniatureFixtures.copy(MiniatureKind.SD2, tmp.resolve("both"));
    Files.createDirectory(dir.resolve("vae"));
    Files.writeString(dir.resolve("vae/model.onnx"), "not a model");
    Files.writeString(dir.resolve("vae/config.json"), "{\"scaling_factor\": 0.25}");
    try (Renderer renderer = Renderer.open(dir, EngineOptions.defaults())) {
      assertEquals("vae_decoder/model.onnx", renderer.bundle().vaeDecoder());
      assertEquals(ModelBundle.DEFAULT_SCALING_FACTOR, renderer.bundle().scalingFactor());
      assertArrayEquals(
          render(sd2, settings(12, "euler", 7)).rgb(),
          render(renderer, settings(12, "euler", 7)).rgb());
    }
  }

  @Test
  void aBundleWithoutADecoderNamesBothFolders(@TempDir Path tmp) throws IOException {
    Path dir = MiniatureFixtures.copy(MiniatureKind.SD2, tmp.resolve("none"));
    MiniatureFixtures.delete(dir.resolve("vae_decoder"));
    IOException e =
        assertThrows(IOException.class, () -> Renderer.open(dir, EngineOptions.defaults()));
    assertTrue(
        e.getMessage().endsWith(": missing vae_decoder/model.onnx or vae/model.onnx"),
        e.getMessage());
  }

  @Test
  void timingsNameEveryStageAndParametersDescribeTheRender() throws IOException {
    RenderResult r =
        sd2.render(
            RenderRequest.of(settings(2, "euler", 7)), RenderListener.NONE, new CancelToken());
    assertEquals(
        List.of("tokenize", "text_encode", "denoise", "decode"),
        r.timings().entries().stream().map(e -> e.stage()).toList());
    assertTrue(r.parameters().startsWith("A person standing on road"));
    assertTrue(r.parameters().contains("Negative prompt: blurry"));
    assertTrue(
        r.parameters()
            .contains("Steps: 6, Sampler: euler, Spacing: linspace, CFG scale: 7.0, Seed: 2"));
    assertTrue(r.parameters().contains("(untrained miniature)"));
  }
}
