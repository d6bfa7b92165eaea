package dev.tessera.render.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TileGridTest {
  @Test
  void tilesCoverTheAxisAndEndAtItsEnd() {
    assertArrayEquals(new int[] {0}, TileGrid.starts(64, 64, 16));
    assertArrayEquals(new int[] {0, 48, 96, 136}, TileGrid.starts(200, 64, 16));
    for (int length = 65; length < 400; length += 7) {
      int[] starts = TileGrid.starts(length, 64, 16);
      assertEquals(0, starts[0]);
      assertEquals(length - 64, starts[starts.length - 1]);
      for (int i = 1; i < starts.length; i++) {
        assertTrue(starts[i - 1] + 64 - starts[i] >= 16, "overlap at least 16 for length " + length);
      }
    }
  }

  @Test
  void weightsFadeOverTheMiddleOfTheOverlap() {
    assertEquals(1f, TileGrid.weight(0, 64, 16, true, false));
    assertEquals(0f, TileGrid.weight(3, 64, 16, false, false));
    assertEquals(1f, TileGrid.weight(12, 64, 16, false, false));
    assertEquals(0f, TileGrid.weight(63, 64, 16, false, false));
    assertEquals(1f, TileGrid.weight(63, 64, 16, false, true));
    float rising = TileGrid.weight(7, 64, 16, false, false);
    assertTrue(rising > 0 && rising < 1);
  }

  /** Tiles cut from one image and blended back give that image exactly: no position is left without weight. */
  @Test
  void blendingTilesOfOneImageRestoresIt() {
    int h = 37;
    int w = 53;
    int tile = 16;
    int overlap = 8;
    float[] image = new float[2 * h * w];
    for (int i = 0; i < image.length; i++) {
      image[i] = (float) Math.sin(i * 0.37);
    }
    float[] sum = new float[image.length];
    float[] weight = new float[h * w];
    for (int y0 : TileGrid.starts(h, tile, overlap)) {
      for (int x0 : TileGrid.starts(w, tile, overlap)) {
        float[] t = new float[2 * tile * tile];
        for (int c = 0; c < 2; c++) {
          for (int y = 0; y < tile; y++) {
            System.arraycopy(image, (c * h + y0 + y) * w + x0, t, (c * tile + y) * tile, tile);
          }
        }
        TileGrid.blend(t, 2, tile, tile, y0, x0, h, w, overlap, sum, weight);
      }
    }
    for (float wgt : weight) {
      assertTrue(wgt > 0);
    }
    TileGrid.normalise(sum, weight, 2);
    assertArrayEquals(image, sum, 1e-5f);
  }
}
