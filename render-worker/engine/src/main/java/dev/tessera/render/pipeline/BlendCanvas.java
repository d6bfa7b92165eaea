package dev.tessera.render.pipeline;

/**
 * The canvas a {@link TiledPass} blends onto: the weighted sum of the tile outputs and the sum of
 * their weights per position, divided once every tile is in.
 */
final class BlendCanvas {
  private final int channels;
  private final int height;
  private final int width;
  private final float[] sum;
  private final float[] weight;

  BlendCanvas(int channels, int height, int width) {
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.sum = new float[channels * height * width];
    this.weight = new float[height * width];
  }

  /**
   * Adds {@code tile}, placed at ({@code y}, {@code x}), weighted by {@code weights} {@code
   * [height, width]}.
   */
  void add(PlanarImage tile, float[] weights, int y, int x) {
    int th = tile.height();
    int tw = tile.width();
    float[] values = tile.values();
    for (int row = 0; row < th; row++) {
      int dst = (y + row) * width + x;
      for (int col = 0; col < tw; col++) {
        weight[dst + col] += weights[row * tw + col];
      }
      for (int c = 0; c < channels; c++) {
        int src = (c * th + row) * tw;
        int plane = c * height * width;
        for (int col = 0; col < tw; col++) {
          sum[plane + dst + col] += values[src + col] * weights[row * tw + col];
        }
      }
    }
  }

  /** The blended image: each weighted sum divided by its weight, in place. */
  PlanarImage normalised() {
    int plane = height * width;
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < plane; i++) {
        sum[c * plane + i] /= weight[i];
      }
    }
    return new PlanarImage(sum, channels, height, width);
  }
}
