package dev.tessera.render.upscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.tessera.render.MiniatureFixtures;
import dev.tessera.render.image.Lanczos;
import dev.tessera.render.image.RgbImage;
import dev.tessera.render.miniature.MiniatureKind;
import dev.tessera.render.miniature.OnnxGraphBuilder;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.EngineOptions;
import dev.tessera.render.pipeline.RenderListener;
import dev.tessera.render.pipeline.Tiling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sr upscaler on the untrained sr miniature (pipeline, not pictures) and on small hand-built
 * models.
 */
class SrUpscalerTest {
  private static final UpscaleSettings UNUSED = UpscaleSettings.of("", "", 0);
  private static Path model;
  @TempDir static Path tmp;

  @BeforeAll
  static void model() {
    model = MiniatureFixtures.bundle(MiniatureKind.SR, false);
  }

  private static Upscaled upscale(SrUpscaler sr, RgbImage image, TargetSize target)
      throws IOException {
    return sr.upscale(image, target, UNUSED, RenderListener.NONE, new CancelToken());
  }

  /**
   * The miniature's output pixels depend on input pixels within 3 of them and the cross-fade leaves
   * the outer 4 of a 16-pixel overlap to the neighbour, so tiling must not change the image.
   */
  @Test
  void tiledEqualsUntiledAwayFromTheBorder() throws IOException {
    RgbImage image = TestImages.smooth(200, 136);
    TargetSize x4 = TargetSize.of(200, 136, 800);
    Upscaled tiled;
    Upscaled whole;
    try (SrUpscaler sr = SrUpscaler.open(model, EngineOptions.defaults(), new Tiling(64, 16))) {
      tiled = upscale(sr, image, x4);
    }
    try (SrUpscaler sr = SrUpscaler.open(model, EngineOptions.defaults(), new Tiling(256, 16))) {
      whole = upscale(sr, image, x4);
    }
    assertEquals(12, tiled.tiles());
    assertEquals(1, whole.tiles());
    int border = 16;
    int maxDiff = 0;
    int w = x4.width();
    for (int y = border; y < x4.height() - border; y++) {
      for (int x = border; x < w - border; x++) {
        for (int c = 0; c < 3; c++) {
          int i = (y * w + x) * 3 + c;
          maxDiff =
              Math.max(
                  maxDiff,
                  Math.abs((tiled.image().rgb()[i] & 0xff) - (whole.image().rgb()[i] & 0xff)));
        }
      }
    }
    assertTrue(maxDiff <= 1, "largest difference " + maxDiff + "/255");
  }

  @Test
  void readsTheScaleByProbingAndLooksLikeItsInput() throws IOException {
    try (SrUpscaler sr =
        SrUpscaler.open(model, EngineOptions.defaults(), SrUpscaler.DEFAULT_TILING)) {
      assertEquals(4, sr.scale());
      assertTrue(sr.isMiniature());
      RgbImage image = TestImages.smooth(96, 64);
      Upscaled up = upscale(sr, image, TargetSize.of(96, 64, 384));
      assertEquals("sr x4, 1 tile", up.detail());
      double diff = TestImages.meanAbsDiff(up.image(), Lanczos.resize(image, 384, 256));
      assertTrue(diff < 4, "mean difference to a Lanczos upscale: " + diff);
    }
  }

  @Test
  void resamplesToATargetThatIsNotAMultiple() throws IOException {
    try (SrUpscaler sr =
        SrUpscaler.open(
            model.resolve("model.onnx"), EngineOptions.defaults(), SrUpscaler.DEFAULT_TILING)) {
      Upscaled up = upscale(sr, TestImages.smooth(64, 48), TargetSize.of(64, 48, 200));
      assertEquals(200, up.image().width());
      assertEquals(150, up.image().height());
      assertTrue(up.detail().endsWith("lanczos 256x192 to 200x150"), up.detail());
    }
  }

  /**
   * A fixed-size ×2 model: the scale comes from the declared shapes and tiles take the fixed size.
   */
  @Test
  void readsTheScaleOfAFixedSizeModelFromItsShapesAndTilesAtThatSize() throws IOException {
    OnnxGraphBuilder g = new OnnxGraphBuilder("fixed", false);
    String x = g.input("image", DataType.FLOAT_VALUE, "1", "3", "32", "32");
    String up =
        g.node(
            "Resize",
            List.of(x, "", g.float32Parameter("scales", 1f, 1f, 2f, 2f)),
            OnnxGraphBuilder.stringAttr("mode", "nearest"));
    g.output(up, "upscaled", DataType.FLOAT_VALUE, "1", "3", "64", "64");
    Path file = Files.write(tmp.resolve("fixed.onnx"), g.build("test").toByteArray());
    try (SrUpscaler sr =
        SrUpscaler.open(file, EngineOptions.defaults(), SrUpscaler.DEFAULT_TILING)) {
      assertEquals(2, sr.scale());
      assertTrue(!sr.isMiniature());
      RgbImage image = TestImages.smooth(80, 40);
      Upscaled twice = upscale(sr, image, TargetSize.of(80, 40, 160));
      assertEquals(8, twice.tiles());
      assertTrue(TestImages.meanAbsDiff(twice.image(), Lanczos.resize(image, 160, 80)) < 3);
      assertThrows(
          IllegalArgumentException.class,
          () -> upscale(sr, TestImages.smooth(24, 24), TargetSize.of(24, 24, 48)));
    }
  }

  @Test
  void rejectsAModelOfTheWrongRank() throws IOException {
    Path file = SrModels.wrongRank(tmp.resolve("rank3.onnx"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SrUpscaler.open(file, EngineOptions.defaults(), SrUpscaler.DEFAULT_TILING));
    assertTrue(e.getMessage().contains("has rank 3"), e.getMessage());
    IOException missing =
        assertThrows(
            IOException.class,
            () ->
                SrUpscaler.open(
                    tmp.resolve("none"), EngineOptions.defaults(), SrUpscaler.DEFAULT_TILING));
    assertTrue(
        missing.getMessage().contains("expected an .onnx file or a directory with model.onnx"));
  }
}
