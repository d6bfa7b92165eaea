package dev.tessera.render.upscale;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.Result;
import ai.onnxruntime.OrtSession.RunOptions;
import dev.tessera.render.onnx.InputSpec;
import dev.tessera.render.onnx.OnnxModel;
import dev.tessera.render.onnx.Tensors;
import dev.tessera.render.pipeline.Embeddings;
import java.util.Map;

/**
 * One evaluation of the x4 upscaler's UNet: {@code sample} [batch, 7, h, w] (latents ‖ noised low-res RGB),
 * {@code timestep}, {@code encoder_hidden_states} and {@code class_labels} (the noise level, int64) in,
 * {@code out_sample} [batch, 4, h, w] (v) out. Like the Stable Diffusion UNet stage it adapts to float32 or float16,
 * any timestep shape and type, and a static batch of 1 (then each batch item is its own call).
 *
 * <p>Does not own the model; the {@link X4Upscaler} that made it closes it.
 */
final class X4Unet {
  /** Latent channels plus low-res RGB channels. */
  static final int CHANNELS = 7;

  private final OrtEnvironment env;
  private final OnnxModel model;
  private final InputSpec sample;
  private final InputSpec timestep;
  private final InputSpec hiddenStates;
  private final InputSpec classLabels;

  /**
   * @throws IllegalArgumentException when the model lacks an input of the x4 contract or declares other channels
   */
  X4Unet(OrtEnvironment env, OnnxModel model) {
    this.env = env;
    this.model = model;
    this.sample = model.input("sample");
    this.timestep = model.input("timestep");
    this.hiddenStates = model.input("encoder_hidden_states");
    this.classLabels = model.input("class_labels");
    if (sample.rank() != 4 || (!sample.isDynamic(1) && sample.shape()[1] != CHANNELS)) {
      throw new IllegalArgumentException(model.label() + ": an x4 upscaler UNet takes a sample of [batch, " + CHANNELS
          + ", h, w] (4 latent + 3 low-res RGB channels); this one declares " + sample);
    }
  }

  private boolean takesBatch() {
    return sample.isDynamic(0) || sample.shape()[0] > 1;
  }

  /**
   * Text conditioning made into tensors once per job: one tensor for the whole batch, or one per batch item where
   * the UNet takes a batch of one. Owned by the caller; close it when the job ends.
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

  /** Predicts for {@code sample} [batch, 7, h, w] at timestep {@code t} and noise level {@code noiseLevel}. */
  float[] predict(float[] input, int batch, int h, int w, double t, int noiseLevel, Context context, RunOptions run)
      throws OrtException {
    if (context.tensors.length == 1) {
      return call(input, batch, h, w, t, noiseLevel, context.tensors[0], run);
    }
    int in = CHANNELS * h * w;
    int out = 4 * h * w;
    float[] predictions = new float[batch * out];
    float[] one = new float[in];
    for (int i = 0; i < batch; i++) {
      System.arraycopy(input, i * in, one, 0, in);
      System.arraycopy(call(one, 1, h, w, t, noiseLevel, context.tensors[i], run), 0, predictions, i * out, out);
    }
    return predictions;
  }

  private float[] call(float[] input, int batch, int h, int w, double t, int noiseLevel, OnnxTensor text,
      RunOptions run) throws OrtException {
    try (OnnxTensor x = Tensors.floats(env, input, new long[] {batch, CHANNELS, h, w}, sample.type());
        OnnxTensor time = Tensors.filled(env, t, timestep, batch);
        OnnxTensor labels = Tensors.filled(env, noiseLevel, classLabels, batch);
        Result result = model.run(Map.of(sample.name(), x, timestep.name(), time, hiddenStates.name(), text,
            classLabels.name(), labels), run)) {
      return Tensors.toFloats(result.get(0));
    }
  }
}
