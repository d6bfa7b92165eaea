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
 * One UNet evaluation: latents, timestep and text embeddings in, the model output ({@code out_sample}: epsilon or v)
 * out. Adapts to what the exported graph declares: float32 or float16 tensors, a timestep of shape [], [1] or
 * [batch] in float or int64, and a static batch of 1 (then each batch item is its own call).
 *
 * <p>Does not own the model; the {@link Renderer} that made it closes it.
 */
final class Unet {
  private final OrtEnvironment env;
  private final OnnxModel model;
  private final InputSpec sample;
  private final InputSpec timestep;
  private final InputSpec hiddenStates;

  Unet(OrtEnvironment env, OnnxModel model) {
    this.env = env;
    this.model = model;
    this.sample = model.input("sample");
    this.timestep = model.input("timestep");
    this.hiddenStates = model.input("encoder_hidden_states");
  }

  /** The hidden size the UNet's cross-attention expects, or -1 when the graph leaves it dynamic. */
  int hiddenSize() {
    return (int) hiddenStates.shape()[2];
  }

  /** Latent channels the UNet takes (4 for SD, 7 for the x4 upscaler's concatenated input). */
  int channels() {
    return (int) sample.shape()[1];
  }

  /** Whether one call can take a batch of more than one. */
  boolean takesBatch() {
    return sample.isDynamic(0) || sample.shape()[0] > 1;
  }

  /**
   * Text conditioning made into tensors once per render and reused at every step: one tensor for the whole batch, or
   * one per batch item where the UNet takes a batch of one. Owned by the caller; close it when the render ends.
   */
  final class Context implements AutoCloseable {
    private final OnnxTensor[] tensors;

    private Context(Embeddings text) throws OrtException {
      int calls = takesBatch() ? 1 : text.batch();
      tensors = new OnnxTensor[calls];
      try {
        for (int i = 0; i < calls; i++) {
          Embeddings part = calls == 1 ? text : text.item(i);
          tensors[i] = Tensors.floats(
              env, part.data(), new long[] {part.batch(), part.tokens(), part.hidden()}, hiddenStates.type());
        }
      } catch (OrtException | RuntimeException e) {
        close();
        throw e;
      }
    }

    /** The tensor of call {@code i} (one call per batch item where the UNet takes a batch of one). */
    OnnxTensor tensor(int i) {
      return tensors[i];
    }

    @Override
    public void close() {
      for (OnnxTensor t : tensors) {
        if (t != null) {
          t.close();
        }
      }
    }
  }

  /** Prepares {@code text} (one row per batch item) for {@link #predict}. */
  Context context(Embeddings text) throws OrtException {
    return new Context(text);
  }

  /**
   * Predicts for {@code latents} of shape {@code [batch, channels, h, w]} at timestep {@code t}, conditioned on
   * {@code context} (made from as many text rows as the batch has).
   */
  float[] predict(float[] latents, int batch, int channels, int h, int w, double t, Context context, RunOptions run)
      throws OrtException {
    if (context.tensors.length == 1) {
      return call(latents, batch, channels, h, w, t, context.tensors[0], run);
    }
    int size = channels * h * w;
    float[] out = new float[batch * size];
    float[] one = new float[size];
    for (int i = 0; i < batch; i++) {
      System.arraycopy(latents, i * size, one, 0, size);
      System.arraycopy(call(one, 1, channels, h, w, t, context.tensors[i], run), 0, out, i * size, size);
    }
    return out;
  }

  private float[] call(float[] latents, int batch, int channels, int h, int w, double t, OnnxTensor text, RunOptions run)
      throws OrtException {
    try (OnnxTensor x = Tensors.floats(env, latents, new long[] {batch, channels, h, w}, sample.type());
        OnnxTensor time = Tensors.filled(env, t, timestep, batch);
        Result result = model.run(Map.of(sample.name(), x, timestep.name(), time, hiddenStates.name(), text), run)) {
      return Tensors.toFloats(result.get(0));
    }
  }
}
