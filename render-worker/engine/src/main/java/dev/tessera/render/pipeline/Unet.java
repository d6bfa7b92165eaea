package dev.tessera.render.pipeline;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.Result;
import ai.onnxruntime.OrtSession.RunOptions;
import dev.tessera.render.onnx.InputSpec;
import dev.tessera.render.onnx.OnnxModel;
import dev.tessera.render.onnx.Tensors;
import java.util.HashMap;
import java.util.Map;

/**
 * One UNet evaluation: {@code sample}, {@code timestep} and text embeddings in, the model output ({@code out_sample}:
 * epsilon or v, 4 latent channels) out. Serves the Stable Diffusion UNet ({@code sample} of 4 channels) and the x4
 * upscaler's (7 channels: latents and low-res RGB, plus a {@code class_labels} noise level). Adapts to what the
 * exported graph declares: float32 or float16 tensors, a timestep of shape [], [1] or [batch] in float or int64, and
 * a static batch of 1 (then each batch item is its own call).
 *
 * <p>Does not own the model; whoever loaded it closes it.
 */
public final class Unet {
  /** Channels of SD latents, and of every UNet's output. */
  public static final int LATENT_CHANNELS = 4;

  private final OrtEnvironment env;
  private final OnnxModel model;
  private final InputSpec sample;
  private final InputSpec timestep;
  private final InputSpec hiddenStates;
  private final InputSpec classLabels;

  public Unet(OrtEnvironment env, OnnxModel model) {
    this.env = env;
    this.model = model;
    this.sample = model.input("sample");
    this.timestep = model.input("timestep");
    this.hiddenStates = model.input("encoder_hidden_states");
    this.classLabels = model.hasInput("class_labels") ? model.input("class_labels") : null;
  }

  /** The model's file label, for errors. */
  public String label() {
    return model.label();
  }

  /** The {@code sample} input as declared. */
  public InputSpec sampleSpec() {
    return sample;
  }

  /** Whether the model takes a {@code class_labels} input (the x4 upscaler's noise level). */
  public boolean takesClassLabels() {
    return classLabels != null;
  }

  /** Whether one call can take a batch of more than one. */
  boolean takesBatch() {
    return sample.isDynamic(0) || sample.shape()[0] > 1;
  }

  /**
   * Text conditioning made into tensors once per render and reused at every step: one tensor for the whole batch, or
   * one per batch item where the UNet takes a batch of one. Owned by the caller; close it when the render ends.
   */
  public final class Context implements AutoCloseable {
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
  public Context context(Embeddings text) throws OrtException {
    return new Context(text);
  }

  /**
   * Predicts for a Stable Diffusion UNet: {@code latents} of shape {@code [batch, channels, h, w]} at timestep
   * {@code t}, conditioned on {@code context} (made from as many text rows as the batch has).
   */
  float[] predict(float[] latents, int batch, int channels, int h, int w, double t, Context context, RunOptions run)
      throws OrtException {
    return predict(latents, batch, channels, h, w, t, -1, context, run);
  }

  /**
   * Predicts for {@code input} of shape {@code [batch, channels, h, w]} at timestep {@code t}; the output has
   * {@link #LATENT_CHANNELS} channels.
   *
   * @param classLabel the {@code class_labels} value (the x4 upscaler's noise level), or -1 when the model has none
   */
  public float[] predict(float[] input, int batch, int channels, int h, int w, double t, int classLabel,
      Context context, RunOptions run) throws OrtException {
    if (context.tensors.length == 1) {
      return call(input, batch, channels, h, w, t, classLabel, context.tensors[0], run);
    }
    int in = channels * h * w;
    int out = LATENT_CHANNELS * h * w;
    float[] predictions = new float[batch * out];
    float[] one = new float[in];
    for (int i = 0; i < batch; i++) {
      System.arraycopy(input, i * in, one, 0, in);
      System.arraycopy(call(one, 1, channels, h, w, t, classLabel, context.tensors[i], run), 0, predictions, i * out,
          out);
    }
    return predictions;
  }

  private float[] call(float[] input, int batch, int channels, int h, int w, double t, int classLabel,
      OnnxTensor text, RunOptions run) throws OrtException {
    try (OnnxTensor x = Tensors.floats(env, input, new long[] {batch, channels, h, w}, sample.type());
        OnnxTensor time = Tensors.filled(env, t, timestep, batch);
        OnnxTensor labels = classLabels == null ? null : Tensors.filled(env, classLabel, classLabels, batch)) {
      Map<String, OnnxTensor> feeds = new HashMap<>(Map.of(sample.name(), x, timestep.name(), time,
          hiddenStates.name(), text));
      if (labels != null) {
        feeds.put(classLabels.name(), labels);
      }
      try (Result result = model.run(feeds, run)) {
        return Tensors.toFloats(result.get(0));
      }
    }
  }
}
