package dev.tessera.render.pipeline;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.List;

/**
 * One tiled pass, the work that tiled VAE decoding, sr upscaling and every step of the x4
 * upscaler's denoising share: cut the input into overlapping tiles ({@link Tiling}), run a function
 * (a network) on each, blend the outputs onto one canvas with the tiles' {@link TileBlend} weights
 * and divide by the summed weights. The function never sees more than one tile, so beyond the input
 * and the output canvas, memory is one tile's. With {@link TileBlend#LINEAR}, a function whose
 * output pixel depends only on input pixels within a quarter of the overlap gives what it would on
 * the whole input.
 *
 * @param tiling the tiles of the input
 * @param blend how overlapping outputs are weighed
 * @param scale output pixels per input pixel along each axis
 * @param outChannels channels of the function's output
 */
public record TiledPass(Tiling tiling, TileBlend blend, int scale, int outChannels) {
  /**
   * One evaluation on one tile; the tile's array is refilled for the next tile, so it must not be
   * kept.
   */
  @FunctionalInterface
  public interface TileFunction {
    /** Planar output {@code [outChannels, scale·height, scale·width]} for {@code tile}. */
    float[] apply(PlanarImage tile) throws OrtException;
  }

  /**
   * One evaluation on several tiles at once (a batched network call); the tiles' arrays are
   * refilled for the next batch, so they must not be kept.
   */
  @FunctionalInterface
  public interface BatchFunction {
    /** One planar output per tile, in the tiles' order, each as {@link TileFunction#apply}. */
    float[][] apply(List<PlanarImage> tiles) throws OrtException;
  }

  /** The blended output and how many tiles it took. */
  public record Output(PlanarImage image, int tiles) {}

  /**
   * Runs {@code function} over the tiles of {@code input} and blends its outputs.
   *
   * @param label names the function's network in errors
   * @throws IllegalArgumentException when a tile's output is not {@code outChannels} channels
   *     {@code scale} times the tile's size
   * @throws RenderCancelledException when {@code cancel} is cancelled, which is checked before
   *     every tile
   */
  public Output run(PlanarImage input, String label, TileFunction function, CancelToken cancel)
      throws OrtException {
    return run(input, label, tiles -> new float[][] {function.apply(tiles.get(0))}, 1, cancel);
  }

  /**
   * Runs {@code function} over the tiles of {@code input}, up to {@code batch} tiles a call, and
   * blends its outputs exactly as {@link #run(PlanarImage, String, TileFunction, CancelToken)}
   * does: the same tiles, weights and order of summation, so only the network's own batched
   * arithmetic can differ. Memory beyond the canvases is {@code batch} tiles'.
   *
   * @throws IllegalArgumentException when {@code batch} is below 1, or as the one-tile run
   * @throws RenderCancelledException when {@code cancel} is cancelled, which is checked before
   *     every call
   */
  public Output run(
      PlanarImage input, String label, BatchFunction function, int batch, CancelToken cancel)
      throws OrtException {
    if (batch < 1) {
      throw new IllegalArgumentException("tile batch must be at least 1, got " + batch);
    }
    int h = input.height();
    int w = input.width();
    int[] ys = tiling.starts(h);
    int[] xs = tiling.starts(w);
    int th = Math.min(tiling.size(), h);
    int tw = Math.min(tiling.size(), w);
    List<int[]> origins = new ArrayList<>();
    for (int y0 : ys) {
      for (int x0 : xs) {
        origins.add(new int[] {y0, x0});
      }
    }
    List<PlanarImage> buffers = new ArrayList<>();
    for (int i = 0; i < Math.min(batch, origins.size()); i++) {
      buffers.add(new PlanarImage(new float[input.channels() * th * tw], input.channels(), th, tw));
    }
    BlendCanvas canvas = new BlendCanvas(outChannels, h * scale, w * scale);
    int expected = outChannels * th * scale * tw * scale;
    for (int first = 0; first < origins.size(); first += batch) {
      cancel.check();
      List<int[]> group = origins.subList(first, Math.min(first + batch, origins.size()));
      List<PlanarImage> tiles = buffers.subList(0, group.size());
      for (int i = 0; i < group.size(); i++) {
        input.copyRegion(group.get(i)[0], group.get(i)[1], tiles.get(i));
      }
      float[][] outs = function.apply(tiles);
      for (int i = 0; i < group.size(); i++) {
        int y0 = group.get(i)[0];
        int x0 = group.get(i)[1];
        float[] out = i < outs.length ? outs[i] : new float[0];
        if (outs.length != group.size() || out.length != expected) {
          throw new IllegalArgumentException(
              label
                  + ": a "
                  + tw
                  + "x"
                  + th
                  + " tile gave "
                  + out.length
                  + " values, expected "
                  + outChannels
                  + " channels of "
                  + tw * scale
                  + "x"
                  + th * scale);
        }
        TileBlend.Edges edges = new TileBlend.Edges(y0 == 0, y0 + th == h, x0 == 0, x0 + tw == w);
        float[] weights = blend.weights(th * scale, tw * scale, tiling.overlap() * scale, edges);
        canvas.add(
            new PlanarImage(out, outChannels, th * scale, tw * scale),
            weights,
            y0 * scale,
            x0 * scale);
      }
    }
    return new Output(canvas.normalised(), origins.size());
  }
}
