package dev.tessera.render.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one tiled pass on plain arrays: functions whose whole-image result is known. */
class TiledPassTest {
  private static PlanarImage wave(int channels, int h, int w) {
    float[] values = new float[channels * h * w];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) Math.sin(i * 0.37);
    }
    return new PlanarImage(values, channels, h, w);
  }

  /** A 3×3 box blur with zero padding: each output pixel sees the input pixels within 1 of it. */
  private static float[] blur(PlanarImage image) {
    int h = image.height();
    int w = image.width();
    float[] out = new float[image.values().length];
    for (int c = 0; c < image.channels(); c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float sum = 0;
          for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
              int yy = y + dy;
              int xx = x + dx;
              if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                sum += image.values()[(c * h + yy) * w + xx];
              }
            }
          }
          out[(c * h + y) * w + x] = sum / 9;
        }
      }
    }
    return out;
  }

  /** Nearest-neighbour ×2 into two channels per input channel: the value, then its negative. */
  private static float[] doubleAndNegate(PlanarImage image) {
    int h = image.height();
    int w = image.width();
    int plane = 4 * h * w;
    float[] out = new float[2 * image.channels() * plane];
    for (int c = 0; c < image.channels(); c++) {
      for (int y = 0; y < 2 * h; y++) {
        for (int x = 0; x < 2 * w; x++) {
          float v = image.values()[(c * h + y / 2) * w + x / 2];
          out[2 * c * plane + y * 2 * w + x] = v;
          out[(2 * c + 1) * plane + y * 2 * w + x] = -v;
        }
      }
    }
    return out;
  }

  /**
   * Tiles cut from one image and blended back give that image exactly: no position is left without
   * weight.
   */
  @Test
  void blendingTilesOfOneImageRestoresIt() throws Exception {
    PlanarImage image = wave(2, 37, 53);
    for (TileBlend blend : TileBlend.values()) {
      TiledPass.Output out =
          new TiledPass(new Tiling(16, 8), blend, 1, 2)
              .run(image, "identity", tile -> tile.values().clone(), new CancelToken());
      assertEquals(4 * 6, out.tiles());
      assertArrayEquals(image.values(), out.image().values(), 1e-5f, blend.name());
    }
  }

  /**
   * A function that looks 1 pixel around gives the whole-image result when the linear cross-fade
   * leaves the outer quarter of a 16-pixel overlap (4 pixels) to the neighbour.
   */
  @Test
  void aLocalFunctionGivesItsWholeImageResult() throws Exception {
    PlanarImage image = wave(3, 70, 45);
    TiledPass.Output out =
        new TiledPass(new Tiling(32, 16), TileBlend.LINEAR, 1, 3)
            .run(image, "blur", TiledPassTest::blur, new CancelToken());
    assertEquals(4 * 2, out.tiles());
    assertArrayEquals(blur(image), out.image().values(), 1e-5f);
  }

  @Test
  void scalesAndChangesChannelsAsTheFunctionDoes() throws Exception {
    PlanarImage image = wave(1, 20, 30);
    TiledPass.Output out =
        new TiledPass(new Tiling(12, 4), TileBlend.LINEAR, 2, 2)
            .run(image, "x2", TiledPassTest::doubleAndNegate, new CancelToken());
    PlanarImage blended = out.image();
    assertEquals(2, blended.channels());
    assertEquals(40, blended.height());
    assertEquals(60, blended.width());
    assertArrayEquals(doubleAndNegate(image), blended.values(), 1e-5f);
  }

  /** An axis shorter than a tile gets one tile of its own length. */
  @Test
  void cutsTilesNoLargerThanTheInput() throws Exception {
    List<String> shapes = new ArrayList<>();
    new TiledPass(new Tiling(16, 4), TileBlend.LINEAR, 1, 1)
        .run(
            wave(1, 10, 40),
            "shapes",
            tile -> {
              shapes.add(tile.channels() + "x" + tile.height() + "x" + tile.width());
              return tile.values().clone();
            },
            new CancelToken());
    assertEquals(List.of("1x10x16", "1x10x16", "1x10x16"), shapes);
  }

  @Test
  void stopsBetweenTilesOnceCancelled() {
    CancelToken cancel = new CancelToken();
    List<Integer> tiles = new ArrayList<>();
    TiledPass pass = new TiledPass(new Tiling(16, 8), TileBlend.LINEAR, 1, 2);
    assertThrows(
        RenderCancelledException.class,
        () ->
            pass.run(
                wave(2, 37, 53),
                "cancelled",
                tile -> {
                  tiles.add(tiles.size());
                  if (tiles.size() == 2) {
                    cancel.cancel();
                  }
                  return tile.values().clone();
                },
                cancel));
    assertEquals(List.of(0, 1), tiles, "the tile after the cancel does not run");
  }

  @Test
  void rejectsAnOutputOfTheWrongSizeNamingTheNetwork() {
    TiledPass pass = new TiledPass(new Tiling(16, 8), TileBlend.LINEAR, 4, 3);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                pass.run(
                    wave(4, 16, 16),
                    "vae_decoder/model.onnx",
                    tile -> new float[3 * 32 * 32],
                    new CancelToken()));
    assertTrue(
        e.getMessage()
            .startsWith(
                "vae_decoder/model.onnx: a 16x16 tile gave 3072 values, expected 3 channels"
                    + " of 64x64"),
        e.getMessage());
  }

  /**
   * Batched calls see the same tiles and blend to the same canvas, bit for bit, whatever the batch
   * (including a last batch that is not full).
   */
  @Test
  void batchedCallsBlendToTheSameCanvasAsOneTileAtATime() throws Exception {
    PlanarImage input = wave(3, 40, 52);
    TiledPass pass = new TiledPass(new Tiling(16, 8), TileBlend.GAUSSIAN, 2, 6);
    PlanarImage single =
        pass.run(input, "double", TiledPassTest::doubleAndNegate, new CancelToken()).image();
    for (int batch : new int[] {2, 3, 7, 100}) {
      List<Integer> sizes = new ArrayList<>();
      TiledPass.Output batched =
          pass.run(
              input,
              "double",
              tiles -> {
                sizes.add(tiles.size());
                float[][] out = new float[tiles.size()][];
                for (int i = 0; i < tiles.size(); i++) {
                  out[i] = doubleAndNegate(tiles.get(i));
                }
                return out;
              },
              batch,
              new CancelToken());
      assertArrayEquals(single.values(), batched.image().values(), "batch " + batch);
      int tiles = new Tiling(16, 8).count(52, 40);
      assertEquals(24, tiles);
      assertEquals(tiles, batched.tiles());
      assertEquals(Math.min(batch, tiles), sizes.get(0));
      assertEquals(tiles, sizes.stream().mapToInt(Integer::intValue).sum());
    }
  }

  @Test
  void aBatchFunctionThatLosesATileIsNamed() {
    TiledPass pass = new TiledPass(new Tiling(16, 8), TileBlend.LINEAR, 1, 3);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                pass.run(
                    wave(3, 32, 32),
                    "lossy",
                    tiles -> new float[][] {blur(tiles.get(0))},
                    4,
                    new CancelToken()));
    assertTrue(e.getMessage().startsWith("lossy: "), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> pass.run(wave(3, 32, 32), "zero", tiles -> new float[0][], 0, new CancelToken()));
  }
}
