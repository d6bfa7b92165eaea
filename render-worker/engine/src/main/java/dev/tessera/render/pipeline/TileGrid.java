package dev.tessera.render.pipeline;

/**
 * Overlapping tiles over one axis and their linear cross-fade weights. Shared by tiled decoding and tiled upscaling.
 */
public final class TileGrid {
  private TileGrid() {}

  /**
   * Start offsets of tiles of size {@code tile} overlapping by at least {@code overlap} that cover {@code [0, length)};
   * the last tile ends exactly at {@code length}. A length no larger than the tile gives one tile at 0.
   */
  public static int[] starts(int length, int tile, int overlap) {
    if (length <= tile) {
      return new int[] {0};
    }
    int stride = tile - overlap;
    int count = (int) Math.ceil((double) (length - tile) / stride) + 1;
    int[] starts = new int[count];
    for (int i = 0; i < count; i++) {
      starts[i] = Math.min(i * stride, length - tile);
    }
    return starts;
  }

  /**
   * Weight of position {@code p} in a tile of {@code size} for a cross-fade over {@code overlap} positions: rising
   * from the start unless the tile starts the axis, falling to the end unless it ends the axis. The outer quarter
   * of an interior overlap gets weight 0 and is left to the neighbour, because there the tile's output still
   * feels the zero padding at its edge; the fade runs over the middle half. Tiles from {@link #starts} always leave
   * some tile with a positive weight at every position.
   */
  public static float weight(int p, int size, int overlap, boolean first, boolean last) {
    if (overlap == 0) {
      return 1f;
    }
    int margin = overlap / 4;
    float ramp = overlap - 2 * margin;
    float w = 1f;
    if (!first) {
      w = Math.min(w, (p - margin + 0.5f) / ramp);
    }
    if (!last) {
      w = Math.min(w, (size - 1 - p - margin + 0.5f) / ramp);
    }
    return Math.max(0f, Math.min(1f, w));
  }

  /**
   * Adds a {@code [channels, th, tw]} tile placed at ({@code y0}, {@code x0}) into {@code sum} (weighted) and its
   * weights into {@code weight}, for an output of {@code outH × outW}.
   */
  public static void blend(float[] tile, int channels, int th, int tw, int y0, int x0, int outH, int outW, int overlap,
      float[] sum, float[] weight) {
    boolean top = y0 == 0;
    boolean bottom = y0 + th == outH;
    boolean left = x0 == 0;
    boolean right = x0 + tw == outW;
    float[] wx = new float[tw];
    for (int x = 0; x < tw; x++) {
      wx[x] = weight(x, tw, overlap, left, right);
    }
    for (int y = 0; y < th; y++) {
      float wy = weight(y, th, overlap, top, bottom);
      int row = (y0 + y) * outW + x0;
      for (int x = 0; x < tw; x++) {
        weight[row + x] += wy * wx[x];
      }
      for (int c = 0; c < channels; c++) {
        int src = (c * th + y) * tw;
        int dst = c * outH * outW + row;
        for (int x = 0; x < tw; x++) {
          sum[dst + x] += tile[src + x] * wy * wx[x];
        }
      }
    }
  }

  /** Divides the weighted sums by their weights, in place. */
  public static void normalise(float[] sum, float[] weight, int channels) {
    int plane = weight.length;
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < plane; i++) {
        sum[c * plane + i] /= weight[i];
      }
    }
  }
}
