package dev.tessera.render.upscale;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.Result;
import ai.onnxruntime.OrtSession.RunOptions;
import dev.tessera.render.onnx.InputSpec;
import dev.tessera.render.onnx.OnnxModel;
import dev.tessera.render.onnx.Tensors;
import dev.tessera.render.pipeline.CancelToken;
import java.util.Map;

/**
 * The x4 upscaler's VAE-decoder stage: latents (divided by the scaling factor) to RGB in [-1, 1] at four times their
 * size, {@code [3, 4h, 4w]}, decoded in overlapping tiles that are cross-faded ({@link TiledPass}).
 *
 * <p>Does not own the model; the {@link X4Upscaler} that made it closes it.
 */
final class X4Decoder {
  /** Pixels per latent along each axis in the x4 upscaler's VAE. */
  static final int SCALE = 4;

  private final OrtEnvironment env;
  private final OnnxModel model;
  private final InputSpec input;
  private final double scalingFactor;
  private final Tiling tiling;

  X4Decoder(OrtEnvironment env, OnnxModel model, double scalingFactor, Tiling tiling) {
    this.env = env;
    this.model = model;
    this.input = model.input("latent_sample");
    this.scalingFactor = scalingFactor;
    this.tiling = tiling;
  }

  /** Decodes one image's denoised latents {@code [4, h, w]}. */
  TiledPass.Output decode(float[] latents, int h, int w, CancelToken cancel, RunOptions run) throws OrtException {
    float[] scaled = new float[latents.length];
    for (int i = 0; i < latents.length; i++) {
      scaled[i] = (float) (latents[i] / scalingFactor);
    }
    return TiledPass.run(scaled, 4, h, w, tiling, SCALE, 3, model.label(), (tile, th, tw) -> call(tile, th, tw, run),
        cancel);
  }

  private float[] call(float[] latents, int h, int w, RunOptions run) throws OrtException {
    try (OnnxTensor x = Tensors.floats(env, latents, new long[] {1, 4, h, w}, input.type());
        Result result = model.run(Map.of(input.name(), x), run)) {
      return Tensors.toFloats(result.get(0));
    }
  }
}
