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
 * The VAE-encoder stage for img2img: an image in [-1, 1] to scaled latents. Exports name the output
 * {@code latent_sample} (4 channels) or {@code latent_parameters} (mean and log-variance, 8
 * channels); from the latter the mean is taken (the distribution's mode, so img2img draws no extra
 * noise from the seed's generator).
 *
 * <p>Does not own the model; the {@link Renderer} that made it closes it.
 */
final class VaeEncoder {
  private final OrtEnvironment env;
  private final OnnxModel model;
  private final InputSpec input;
  private final double scalingFactor;

  VaeEncoder(OrtEnvironment env, OnnxModel model, double scalingFactor) {
    this.env = env;
    this.model = model;
    this.input = model.input("sample");
    this.scalingFactor = scalingFactor;
  }

  /**
   * Encodes a planar {@code [3, height, width]} image into latents {@code [4, height/8, width/8]},
   * scaled.
   */
  float[] encode(float[] chw, int width, int height, RunOptions run) throws OrtException {
    try (OnnxTensor x = Tensors.floats(env, chw, new long[] {1, 3, height, width}, input.type());
        Result result = model.run(Map.of(input.name(), x), run)) {
      float[] out = Tensors.toFloats(result.get(0));
      int size = 4 * (height / VaeDecoder.SD_SCALE) * (width / VaeDecoder.SD_SCALE);
      if (out.length != size && out.length != 2 * size) {
        throw new IllegalArgumentException(
            model.label()
                + ": expected 4 or 8 latent channels at 1/8 scale, got "
                + java.util.Arrays.toString(Tensors.shape(result.get(0))));
      }
      float[] latents = new float[size];
      for (int i = 0; i < size; i++) {
        latents[i] = (float) (out[i] * scalingFactor);
      }
      return latents;
    }
  }
}
