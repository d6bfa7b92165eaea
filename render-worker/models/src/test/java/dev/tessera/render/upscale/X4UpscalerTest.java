package dev.tessera.render.upscale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.image.Lanczos;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderCancelledException;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.TileBlend;
import dev.tessera.render.pipeline.Tiling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The x4 upscaler on the untrained miniature x4 bundle (pipeline, not pictures): a 128×128 image →
 * 512×512 through 9 overlapping 64-latent UNet tiles and 16 decode tiles of 48 latents, so that
 * tile boundaries of both kinds cross the image.
 */
class X4UpscalerTest {
  private static final int BASE = 128;
  private static final int STEPS = 3;
  private static final Tiling UNET_TILES = new Tiling(64, 16);
  private static final Tiling DECODE_TILES = new Tiling(48, 16);

  private static Path bundle;
  private static X4Upscaler upscaler;
  private static Upscaled first;

  @BeforeAll
  static void upscaleOnce() throws IOException {
    bundle = MiniatureFixtures.bundle(MiniatureKind.X4_UPSCALER, false);
    upscaler =
        X4Upscaler.open(
            bundle,
            EngineOptions.defaults(),
            new X4Options(UNET_TILES, TileBlend.GAUSSIAN, DECODE_TILES));
    first = upscale(upscaler, TestImages.smooth(BASE, BASE), 512, 42);
  }

  @AfterAll
  static void close() {
    upscaler.close();
    upscaler.close();
  }

  private static Upscaled upscale(X4Upscaler x4, RgbImage image, int longSide, long seed)
      throws IOException {
    return x4.upscale(
        image,
        TargetSize.of(image.width(), image.height(), longSide),
        new UpscaleSettings("a watercolour of hills", "blurry", seed, STEPS, 9, 20),
        RenderListener.NONE,
        new CancelToken());
  }

  /**
   * Output pixel positions where tiles of {@code tiling} over {@code length} low-res pixels start
   * or end.
   */
  private static Set<Integer> boundaries(Tiling tiling, int length) {
    Set<Integer> edges = new TreeSet<>();
    for (int start : tiling.starts(length)) {
      if (start > 0) {
        edges.add(X4Bundle.DECODER_SCALE * start);
      }
      if (start + tiling.size() < length) {
        edges.add(X4Bundle.DECODER_SCALE * (start + tiling.size()));
      }
    }
    return edges;
  }

  @Test
  void upscalesFourTimesInTiles() {
    assertEquals(512, first.image().width());
    assertEquals(512, first.image().height());
    assertEquals(9, first.tiles());
    assertEquals("x4, 9 tiles, 3 steps, 9 tiles a call, decoded in 16 tiles", first.detail());
    assertTrue(
        first.parameters().contains("Upscale steps: 3, Upscale CFG scale: 9.0, Noise level: 20"),
        first.parameters());
  }

  @Test
  void leavesNoSeamAtTileBoundaries() {
    double unet = TestImages.seamRatio(first.image(), boundaries(UNET_TILES, BASE));
    double decode = TestImages.seamRatio(first.image(), boundaries(DECODE_TILES, BASE));
    System.out.printf(
        "x4 seam measure: UNet tile boundaries %.3f, decode tile boundaries %.3f%n", unet, decode);
    assertTrue(unet <= 1.15, "UNet tile seams: " + unet);
    assertTrue(decode <= 1.15, "decode tile seams: " + decode);
  }

  /** The measure sees seams when there are some: abutting UNet tiles that are not blended. */
  @Test
  void unblendedTilesLeaveSeamsTheMeasureSees() throws IOException {
    Tiling abutting = new Tiling(64, 0);
    try (X4Upscaler hard =
        X4Upscaler.open(
            bundle,
            EngineOptions.defaults(),
            new X4Options(abutting, TileBlend.GAUSSIAN, DECODE_TILES))) {
      Upscaled seamed = upscale(hard, TestImages.smooth(BASE, BASE), 512, 42);
      double ratio = TestImages.seamRatio(seamed.image(), boundaries(abutting, BASE));
      System.out.printf("x4 seam measure with abutting, unblended UNet tiles: %.3f%n", ratio);
      assertTrue(ratio > 1.15, "abutting tiles: " + ratio);
    }
  }

  @Test
  void followsTheLowResImage() {
    RgbImage base = TestImages.smooth(BASE, BASE);
    RgbImage resampled = Lanczos.resize(base, 512, 512);
    RgbImage other = Lanczos.resize(TestImages.smooth(BASE, BASE / 2), 512, 512);
    double near = TestImages.meanAbsDiff(first.image(), resampled);
    double far = TestImages.meanAbsDiff(first.image(), other);
    assertTrue(
        near < 30 && near < far / 2,
        "distance to its low-res image " + near + ", to another " + far);
  }

  @Test
  void aSeedGivesOneImageAndAnotherSeedAnother() throws IOException {
    RgbImage base = TestImages.smooth(BASE, BASE);
    assertArrayEquals(first.image().rgb(), upscale(upscaler, base, 512, 42).image().rgb());
    double diff = TestImages.meanAbsDiff(first.image(), upscale(upscaler, base, 512, 43).image());
    assertTrue(diff > 1, "seeds 42 and 43 differ by " + diff);
  }

  @Test
  void aTargetThatIsNotFourTimesIsResampledToExactly() throws IOException {
    Upscaled square = upscale(upscaler, TestImages.smooth(48, 48), 128, 1);
    assertEquals(128, square.image().width());
    assertEquals(128, square.image().height());
    assertTrue(square.detail().endsWith("lanczos 192x192 to 128x128"), square.detail());
    Upscaled wide = upscale(upscaler, TestImages.smooth(64, 48), 200, 1);
    assertEquals(200, wide.image().width());
    assertEquals(150, wide.image().height());
  }

  @Test
  void reportsEveryStepAndStopsWhenCancelled() throws IOException {
    List<String> steps = new ArrayList<>();
    RgbImage small = TestImages.smooth(32, 32);
    TargetSize target = TargetSize.of(32, 32, 128);
    upscaler.upscale(
        small,
        target,
        new UpscaleSettings("x", "", 0, 4, 1, 0),
        (step, total) -> steps.add(step + "/" + total),
        new CancelToken());
    assertEquals(List.of("1/4", "2/4", "3/4", "4/4"), steps);

    CancelToken cancel = new CancelToken();
    RenderListener cancelAfterFirst = (step, total) -> cancel.cancel();
    assertThrows(
        RenderCancelledException.class,
        () ->
            upscaler.upscale(
                small, target, new UpscaleSettings("x", "", 0, 4, 1, 0), cancelAfterFirst, cancel));
  }

  /**
   * Some exports name the VAE decoder's folder {@code vae/}; without a decoder, the error names
   * both folders.
   */
  @Test
  void loadsABundleWhoseDecoderFolderIsVae(@TempDir Path tmp) throws IOException {
    Path dir = MiniatureFixtures.copy(MiniatureKind.X4_UPSCALER, tmp.resolve("vae"));
    Files.move(dir.resolve("vae_decoder"), dir.resolve("vae"));
    RgbImage small = TestImages.smooth(32, 32);
    try (X4Upscaler renamed =
        X4Upscaler.open(
            dir,
            EngineOptions.defaults(),
            new X4Options(UNET_TILES, TileBlend.GAUSSIAN, DECODE_TILES))) {
      assertArrayEquals(
          upscale(upscaler, small, 128, 5).image().rgb(),
          upscale(renamed, small, 128, 5).image().rgb());
    }
    MiniatureFixtures.delete(dir.resolve("vae"));
    IOException e =
        assertThrows(
            IOException.class,
            () -> X4Upscaler.open(dir, EngineOptions.defaults(), X4Options.defaults()));
    assertTrue(
        e.getMessage().endsWith(": missing vae_decoder/model.onnx or vae/model.onnx"),
        e.getMessage());
  }

  @Test
  void rejectsANoiseLevelAboveTheBundlesMaximum() {
    assertEquals(350, upscaler.maxNoiseLevel());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> upscaler.check(new UpscaleSettings("x", "", 0, 3, 9, 351)));
    assertTrue(e.getMessage().contains("between 0 and 350"), e.getMessage());
  }
}
