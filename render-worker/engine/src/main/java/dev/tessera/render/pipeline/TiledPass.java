package dev.tessera.render.pipeline;

import ai.onnxruntime.OrtException;

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
    int h = input.height();
    int w = input.width();
    int[] ys = tiling.starts(h);
    int[] xs = tiling.starts(w);
    int th = Math.min(tiling.size(), h);
    int tw = Math.min(tiling.size(), w);
    PlanarImage tile =
        new PlanarImage(new float[input.channels() * th * tw], input.channels(), th, tw);
    BlendCanvas canvas = new BlendCanvas(outChannels, h * scale, w * scale);
    int expected = outChannels * th * scale * tw * scale;
    for (int y0 : ys) {
      for (int x0 : xs) {
        cancel.check();
        input.copyRegion(y0, x0, tile);
        float[] out = function.apply(tile);
        if (out.length != expected) {
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
    return new Output(canvas.normalised(), ys.length * xs.length);
  }
}
