package dev.tessera.render.upscale;

import ai.onnxruntime.OrtException;
import dev.tessera.render.pipeline.CancelToken;
import dev.tessera.render.pipeline.TileGrid;

/**
 * Runs an image-to-image network ({@code [channels, h, w]} → {@code [outChannels, scale·h, scale·w]}) over
 * overlapping tiles and cross-fades the tile outputs linearly across the overlap ({@link TileGrid}), so the network
 * never sees more than one tile: beyond the output canvas, memory is one tile's. The outer quarter of each interior
 * overlap is left to the neighbouring tile, so for a network whose output pixel depends only on input pixels within a
 * quarter of the overlap, the result equals running it on the whole input.
 */
final class TiledPass {
  private TiledPass() {}

  /** One network evaluation on one tile, {@code [channels, height, width]} in, planar out. */
  @FunctionalInterface
  interface TileNetwork {
    float[] run(float[] tile, int height, int width) throws OrtException;
  }

  /** The blended output {@code [outChannels, height, width]} and how many tiles it took. */
  record Output(float[] chw, int width, int height, int tiles) {}

  /**
   * @param label names the network in errors
   * @throws IllegalArgumentException when the network's output is not {@code scale} times its tile
   * @throws dev.tessera.render.pipeline.RenderCancelledException when {@code cancel} is cancelled between tiles
   */
  static Output run(float[] input, int channels, int h, int w, Tiling tiling, int scale, int outChannels,
      String label, TileNetwork network, CancelToken cancel) throws OrtException {
    int[] ys = tiling.starts(h);
    int[] xs = tiling.starts(w);
    int th = Math.min(tiling.size(), h);
    int tw = Math.min(tiling.size(), w);
    int outH = h * scale;
    int outW = w * scale;
    float[] sum = new float[outChannels * outH * outW];
    float[] weight = new float[outH * outW];
    float[] patch = new float[channels * th * tw];
    int expected = outChannels * th * scale * tw * scale;
    for (int y0 : ys) {
      for (int x0 : xs) {
        cancel.check();
        for (int c = 0; c < channels; c++) {
          for (int y = 0; y < th; y++) {
            System.arraycopy(input, (c * h + y0 + y) * w + x0, patch, (c * th + y) * tw, tw);
          }
        }
        float[] out = network.run(patch, th, tw);
        if (out.length != expected) {
          throw new IllegalArgumentException(label + ": a " + tw + "x" + th + " tile gave " + out.length
              + " values, expected " + outChannels + " channels of " + tw * scale + "x" + th * scale);
        }
        TileGrid.blend(out, outChannels, th * scale, tw * scale, y0 * scale, x0 * scale, outH, outW,
            tiling.overlap() * scale, sum, weight);
      }
    }
    TileGrid.normalise(sum, weight, outChannels);
    return new Output(sum, outW, outH, ys.length * xs.length);
  }
}
