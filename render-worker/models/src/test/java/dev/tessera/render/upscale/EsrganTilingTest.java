package dev.tessera.render.upscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tessera.render.esrgan.EsrganModels;
import dev.tessera.render.esrgan.EsrganVariant;
import dev.tessera.render.fetch.DebianPackages;
import dev.tessera.render.fetch.Npm;
import dev.tessera.render.image.AreaDownscale;
import dev.tessera.render.image.ImageQuality;
import dev.tessera.render.image.Lanczos;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.Tiling;
import dev.tessera.render.quality.Photo;
import dev.tessera.render.quality.QualityRun;
import dev.tessera.render.quality.SamplePhotos;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trained ESRGAN slim ×4 model (UpscalerJS, converted) on real photographs (Debian's
 * python3-skimage sample photos): tiling costs nothing visible, and it beats Lanczos. One variant,
 * small crops, to keep the suite's time modest. Skipped, saying so, where npm or apt-get is absent.
 */
class EsrganTilingTest {
  private static final int SCALE = 4;
  private static final UpscaleSettings UNUSED = UpscaleSettings.of("", "", 0);
  private static Path model;
  private static List<Photo> photos;

  @BeforeAll
  static void fetch() throws IOException {
    assumeTrue(Npm.available(), "npm is not on the PATH: the ESRGAN package is fetched with it");
    assumeTrue(
        DebianPackages.available(),
        "apt-get or dpkg-deb is not on the PATH: the photos come from a Debian package");
    model = EsrganModels.cached(EsrganVariant.SLIM, SCALE);
    photos = SamplePhotos.defaults();
  }

  private static RgbImage upscale(Tiling tiling, RgbImage image) throws IOException {
    try (SrUpscaler sr = SrUpscaler.open(model, EngineOptions.defaults(), tiling)) {
      Upscaled up =
          sr.upscale(
              image,
              new TargetSize(image.width() * SCALE, image.height() * SCALE),
              UNUSED,
              RenderListener.NONE,
              new CancelToken());
      assertEquals(tiling.count(image.width(), image.height()), up.tiles());
      return up.image();
    }
  }

  /**
   * Where tiles start and end in the output, and where their cross-fade starts and ends: a seam
   * would show at one of them.
   */
  private static Set<Integer> boundaries(Tiling tiling, int length) {
    Set<Integer> edges = new TreeSet<>();
    int margin = tiling.overlap() / 4;
    for (int start : tiling.starts(length)) {
      if (start > 0) {
        edges.add(SCALE * start);
        edges.add(SCALE * (start + margin));
      }
      if (start + tiling.size() < length) {
        edges.add(SCALE * (start + tiling.size()));
        edges.add(SCALE * (start + tiling.size() - margin));
      }
    }
    return edges;
  }

  /**
   * The same photo whole and tile by tile, at several tile and overlap sizes (the default among
   * them), on the photo and on a smooth picture: PSNR of tiled against whole at least 45 dB, and
   * the seam measure at most 1.15. The measure is taken relative to the untiled upscale at the same
   * places, because there it is not 1 even without tiles: a photo's own edges fall on some of them,
   * and the model's nearest-neighbour ×4 upsampling leaves a faint 4-pixel grid that every tile
   * boundary (a multiple of 4 in the output) lies on.
   */
  @Test
  void tilingCostsNothingVisible() throws IOException {
    RgbImage photo = AreaDownscale.crop(photos.get(0).image(), 160, 80, 160, 160); // astronaut
    RgbImage smooth = TestImages.smooth(160, 160);
    RgbImage photoWhole = upscale(new Tiling(256, 16), photo);
    RgbImage smoothWhole = upscale(new Tiling(256, 16), smooth);
    for (Tiling tiling :
        List.of(
            new Tiling(48, 16),
            new Tiling(64, 16),
            new Tiling(96, 32),
            SrUpscaler.DEFAULT_TILING)) {
      Set<Integer> seams = boundaries(tiling, 160);
      RgbImage tiled = upscale(tiling, photo);
      double psnr = ImageQuality.psnr(photoWhole, tiled, 0);
      double photoSeams =
          TestImages.seamRatio(tiled, seams) / TestImages.seamRatio(photoWhole, seams);
      RgbImage smoothTiled = upscale(tiling, smooth);
      double smoothPsnr = ImageQuality.psnr(smoothWhole, smoothTiled, 0);
      double smoothSeams =
          TestImages.seamRatio(smoothTiled, seams) / TestImages.seamRatio(smoothWhole, seams);
      System.out.printf(
          "ESRGAN slim x4, tiles %d overlap %d: photo PSNR tiled vs whole %.1f dB, seam measure"
              + " %.3f; smooth picture %.1f dB, seam measure %.3f%n",
          tiling.size(), tiling.overlap(), psnr, photoSeams, smoothPsnr, smoothSeams);
      assertTrue(psnr >= 45, tiling + ": PSNR " + psnr);
      assertTrue(smoothPsnr >= 45, tiling + ": PSNR on the smooth picture " + smoothPsnr);
      assertTrue(photoSeams <= 1.15, tiling + ": seam measure " + photoSeams);
      assertTrue(
          smoothSeams <= 1.15, tiling + ": seam measure on the smooth picture " + smoothSeams);
    }
  }

  /** On real photos the trained model beats Lanczos: more than 1 dB PSNR and SSIM, each photo. */
  @Test
  void beatsLanczosOnRealPhotos() throws IOException {
    try (SrUpscaler sr =
        SrUpscaler.open(model, EngineOptions.defaults(), SrUpscaler.DEFAULT_TILING)) {
      Map<String, QualityRun.Method> methods = new LinkedHashMap<>();
      methods.put("Lanczos", Lanczos::resize);
      methods.put(
          "ESRGAN slim",
          (low, w, h) ->
              sr.upscale(low, new TargetSize(w, h), UNUSED, RenderListener.NONE, new CancelToken())
                  .image());
      QualityRun.Result result = QualityRun.measure(photos.subList(1, 3), SCALE, 192, methods);
      for (int i = 0; i < result.photos().size(); i++) {
        QualityRun.Score lanczos = result.scores().get("Lanczos").get(i);
        QualityRun.Score esrgan = result.scores().get("ESRGAN slim").get(i);
        System.out.printf(
            "%s: Lanczos %.2f dB / %.4f, ESRGAN slim %.2f dB / %.4f%n",
            result.photos().get(i), lanczos.psnr(), lanczos.ssim(), esrgan.psnr(), esrgan.ssim());
        assertTrue(esrgan.psnr() > lanczos.psnr() + 1, result.photos().get(i) + " PSNR");
        assertTrue(esrgan.ssim() > lanczos.ssim(), result.photos().get(i) + " SSIM");
      }
    }
  }

  /** Tiles that abut without overlap show in these measures: the test can fail. */
  @Test
  void theMeasuresSeeAbuttingTiles() throws IOException {
    RgbImage smooth = TestImages.smooth(160, 160);
    Tiling abutting = new Tiling(40, 0);
    RgbImage tiled = upscale(abutting, smooth);
    RgbImage whole = upscale(new Tiling(256, 16), smooth);
    double psnr = ImageQuality.psnr(whole, tiled, 0);
    Set<Integer> edges = boundaries(abutting, 160);
    double seams = TestImages.seamRatio(tiled, edges) / TestImages.seamRatio(whole, edges);
    System.out.printf("abutting 40 px tiles: PSNR %.1f dB, seam measure %.3f%n", psnr, seams);
    assertTrue(psnr < 45 && seams > 1.15, "abutting tiles went unnoticed");
  }
}
