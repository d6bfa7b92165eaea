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
 * A network from one planar image {@code [1, channels, h, w]} to another, run on one tile at a
 * time: the tile function of the VAE decoders and of sr models. Does not own the model; whoever
 * loaded it closes it.
 *
 * @param input the image input, in the element type the model declares
 */
public record ImageNetwork(OrtEnvironment env, OnnxModel model, InputSpec input) {
  /** The model's first output for {@code image}, as floats. */
  public float[] run(PlanarImage image, RunOptions run) throws OrtException {
    long[] shape = {1, image.channels(), image.height(), image.width()};
    try (OnnxTensor x = Tensors.floats(env, image.values(), shape, input.type());
        Result result = model.run(Map.of(input.name(), x), run)) {
      return Tensors.toFloats(result.get(0));
    }
  }
}
