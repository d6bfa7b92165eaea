package dev.tessera.render.pipeline;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.Result;
import ai.onnxruntime.OrtSession.RunOptions;
import dev.tessera.render.onnx.InputSpec;
import dev.tessera.render.onnx.OnnxModel;
import dev.tessera.render.onnx.Tensors;
import java.util.Map;

/**
 * The VAE-decoder stage: latents (divided by the scaling factor) to an RGB image in [-1, 1], {@code [3, 8h, 8w]}.
 * Latents larger than the tile size are decoded in overlapping tiles whose outputs are cross-faded linearly across
 * the overlap, so the model never sees more than one tile and its working memory stays that of one tile.
 *
 * <p>Does not own the model; the {@link Renderer} that made it closes it.
 */
final class VaeDecoder {
  /** Pixels per latent along each axis in SD's VAE. */
  static final int SCALE = 8;

  private final OrtEnvironment env;
  private final OnnxModel model;
  private final InputSpec input;
  private final double scalingFactor;
  private final int tile;
  private final int overlap;

  /**
   * @param tile tile edge in latents; larger latents are tiled
   * @param overlap overlap between neighbouring tiles in latents, less than {@code tile}
   */
  VaeDecoder(OrtEnvironment env, OnnxModel model, double scalingFactor, int tile, int overlap) {
    if (overlap < 0 || overlap >= tile) {
      throw new IllegalArgumentException("decode overlap must be in [0, tile), got " + overlap + " for tile " + tile);
    }
    this.env = env;
    this.model = model;
    this.input = model.input("latent_sample");
    this.scalingFactor = scalingFactor;
    this.tile = tile;
    this.overlap = overlap;
  }

  /** The decoded image and how many tiles it took. */
  record Decoded(float[] chw, int width, int height, int tiles) {}

  /** Decodes one image's latents {@code [4, h, w]} (already denoised, not yet divided by the scaling factor). */
  Decoded decode(float[] latents, int h, int w, RunOptions run) throws OrtException {
    float[] scaled = new float[latents.length];
    for (int i = 0; i < latents.length; i++) {
      scaled[i] = (float) (latents[i] / scalingFactor);
    }
    if (h <= tile && w <= tile) {
      return new Decoded(call(scaled, h, w, run), w * SCALE, h * SCALE, 1);
    }
    int[] ys = TileGrid.starts(h, tile, overlap);
    int[] xs = TileGrid.starts(w, tile, overlap);
    int th = Math.min(tile, h);
    int tw = Math.min(tile, w);
    int outW = w * SCALE;
    int outH = h * SCALE;
    float[] sum = new float[3 * outH * outW];
    float[] weight = new float[outH * outW];
    float[] patch = new float[4 * th * tw];
    for (int y0 : ys) {
      for (int x0 : xs) {
        for (int c = 0; c < 4; c++) {
          for (int y = 0; y < th; y++) {
            System.arraycopy(scaled, (c * h + y0 + y) * w + x0, patch, (c * th + y) * tw, tw);
          }
        }
        float[] pixels = call(patch, th, tw, run);
        TileGrid.blend(pixels, 3, th * SCALE, tw * SCALE, y0 * SCALE, x0 * SCALE, outH, outW, overlap * SCALE, sum, weight);
      }
    }
    TileGrid.normalise(sum, weight, 3);
    return new Decoded(sum, outW, outH, ys.length * xs.length);
  }

  private float[] call(float[] latents, int h, int w, RunOptions run) throws OrtException {
    try (OnnxTensor x = Tensors.floats(env, latents, new long[] {1, 4, h, w}, input.type());
        Result result = model.run(Map.of(input.name(), x), run)) {
      return Tensors.toFloats(result.get(0));
    }
  }
}
