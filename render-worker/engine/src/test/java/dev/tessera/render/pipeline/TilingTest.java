package dev.tessera.render.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TilingTest {
  @Test
  void tilesCoverTheAxisAndEndAtItsEnd() {
    Tiling tiling = new Tiling(64, 16);
    assertArrayEquals(new int[] {0}, tiling.starts(64));
    assertArrayEquals(new int[] {0, 48, 96, 136}, tiling.starts(200));
    for (int length = 65; length < 400; length += 7) {
      int[] starts = tiling.starts(length);
      assertEquals(0, starts[0]);
      assertEquals(length - 64, starts[starts.length - 1]);
      for (int i = 1; i < starts.length; i++) {
        assertTrue(
            starts[i - 1] + 64 - starts[i] >= 16, "overlap at least 16 for length " + length);
      }
    }
  }

  @Test
  void countsAndDescribesTiles() {
    assertEquals(8, new Tiling(32, 16).count(80, 48));
    assertEquals("1 tile", Tiling.describe(1));
    assertEquals("8 tiles", Tiling.describe(8));
  }

  @Test
  void rejectsAnOverlapOutsideTheTile() {
    assertThrows(IllegalArgumentException.class, () -> new Tiling(0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Tiling(64, 64));
    assertThrows(IllegalArgumentException.class, () -> new Tiling(64, -1));
  }
}
