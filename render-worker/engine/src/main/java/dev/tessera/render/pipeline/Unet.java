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
import java.util.List;
import java.util.Map;

/**
 * One UNet prediction: {@code sample}, {@code timestep} and text embeddings in, the model output
 * ({@code out_sample}: epsilon or v, 4 latent channels) out, both halves of classifier-free
 * guidance combined where it is on. Serves the Stable Diffusion UNet ({@code sample} of 4 channels)
 * and the x4 upscaler's (7 channels: latents and low-res RGB, plus a {@code class_labels} noise
 * level). Adapts to what the exported graph declares: float32 or float16 tensors, a timestep of
 * shape [], [1] or [batch] in float or int64, and a static batch of 1 (then each batch item is its
 * own call).
 *
 * <p>Does not own the model; whoever loaded it closes it.
 */
public final class Unet {
  /** Channels of SD latents, and of every UNet's output. */
  public static final int LATENT_CHANNELS = 4;

  /** The class label passed for a model without {@code class_labels}. */
  public static final int NO_CLASS_LABEL = -1;

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

  /**
   * The context length {@code encoder_hidden_states} takes: its fixed token count, or -1 where the
   * export leaves it dynamic (prompts longer than one text-encoder window then fit).
   */
  public long contextTokens() {
    return hiddenStates.rank() >= 2 && !hiddenStates.isDynamic(1) ? hiddenStates.shape()[1] : -1;
  }

  /** Whether one call can take a batch of more than one. */
  boolean takesBatch() {
    return sample.isDynamic(0) || sample.shape()[0] > 1;
  }

  /** Whether the export takes a batch of any size, so one call can run several tiles. */
  public boolean takesAnyBatch() {
    return sample.isDynamic(0);
  }

  /**
   * Text conditioning made into tensors once per render and reused at every step: one tensor for
   * the whole batch, or one per batch item where the UNet takes a batch of one.
   *
   * <p>Lifetime: owned by the caller, made once per render; the copies for batched tiles are made
   * on first use and kept with it; {@link #close()} releases them all when the render ends.
   */
  public final class Context implements AutoCloseable {
    private final OnnxTensor[] tensors;
    private final Embeddings text;
    private final Map<Integer, OnnxTensor> repeated = new HashMap<>();

    private Context(Embeddings text) throws OrtException {
      this.text = text;
      int calls = takesBatch() ? 1 : text.batch();
      tensors = new OnnxTensor[calls];
      try {
        for (int i = 0; i < calls; i++) {
          Embeddings part = calls == 1 ? text : text.item(i);
          tensors[i] =
              Tensors.floats(
                  env,
                  part.data(),
                  new long[] {part.batch(), part.tokens(), part.hidden()},
                  hiddenStates.type());
        }
      } catch (OrtException | RuntimeException e) {
        close();
        throw e;
      }
    }

    /**
     * The tensor of call {@code i} (one call per batch item where the UNet takes a batch of one).
     */
    OnnxTensor tensor(int i) {
      return tensors[i];
    }

    /**
     * The embeddings repeated {@code copies} times, one copy per tile of a batched call, made on
     * first use and kept until {@link #close()}.
     */
    OnnxTensor repeated(int copies) throws OrtException {
      if (copies == 1 && tensors.length == 1) {
        return tensors[0];
      }
      OnnxTensor tensor = repeated.get(copies);
      if (tensor == null) {
        float[] data = new float[copies * text.data().length];
        for (int i = 0; i < copies; i++) {
          System.arraycopy(text.data(), 0, data, i * text.data().length, text.data().length);
        }
        long[] shape = {(long) copies * text.batch(), text.tokens(), text.hidden()};
        tensor = Tensors.floats(env, data, shape, hiddenStates.type());
        repeated.put(copies, tensor);
      }
      return tensor;
    }

    /** Closes every tensor it made; safe to call twice. */
    @Override
    public void close() {
      for (OnnxTensor t : tensors) {
        if (t != null) {
          t.close();
        }
      }
      repeated.values().forEach(OnnxTensor::close);
      repeated.clear();
    }
  }

  /** Prepares {@code text} (one row per batch item) for {@link #predict}. */
  public Context context(Embeddings text) throws OrtException {
    return new Context(text);
  }

  /** Predicts for a Stable Diffusion UNet, which takes no {@code class_labels}. */
  float[] predict(PlanarImage input, double t, Conditioning conditioning, RunOptions run)
      throws OrtException {
    return predict(input, t, NO_CLASS_LABEL, conditioning, run);
  }

  /**
   * Predicts for one item {@code input} [channels, h, w] at timestep {@code t}; the output has
   * {@link #LATENT_CHANNELS} channels. Under classifier-free guidance both halves (the
   * unconditional and the text-conditioned prediction) run in one batch-2 call where the model
   * takes a batch, and are combined by the guidance scale.
   *
   * @param classLabel the {@code class_labels} value (the x4 upscaler's noise level), or {@link
   *     #NO_CLASS_LABEL}
   */
  public float[] predict(
      PlanarImage input, double t, int classLabel, Conditioning conditioning, RunOptions run)
      throws OrtException {
    double guidance = conditioning.guidance();
    boolean guided = Guidance.enabled(guidance);
    Batch batch = Batch.repeated(input, guided ? 2 : 1);
    float[] out =
        conditioning.text().tensors.length == 1
            ? call(batch, t, classLabel, conditioning.text().tensors[0], run)
            : callPerItem(batch, t, classLabel, conditioning.text(), run);
    return guided ? Guidance.combine(out, guidance) : out;
  }

  /**
   * Predicts for several tiles in one call, each as {@link #predict} would: the batch holds, per
   * tile, both guidance halves where guidance is on (so the text embeddings are repeated once per
   * tile). Needs an export with a dynamic batch ({@link #takesAnyBatch()}).
   *
   * @return one output of {@link #LATENT_CHANNELS} channels per tile, in the tiles' order
   * @throws IllegalStateException when the export's batch is fixed
   */
  public float[][] predictTiles(
      List<PlanarImage> tiles, double t, int classLabel, Conditioning conditioning, RunOptions run)
      throws OrtException {
    if (tiles.size() == 1) {
      return new float[][] {predict(tiles.get(0), t, classLabel, conditioning, run)};
    }
    if (!takesAnyBatch()) {
      throw new IllegalStateException(
          label() + ": declares a fixed batch of " + sample.shape()[0] + "; cannot batch tiles");
    }
    double guidance = conditioning.guidance();
    int halves = Guidance.enabled(guidance) ? 2 : 1;
    PlanarImage first = tiles.get(0);
    int length = first.values().length;
    float[] values = new float[tiles.size() * halves * length];
    for (int i = 0; i < tiles.size(); i++) {
      for (int half = 0; half < halves; half++) {
        System.arraycopy(tiles.get(i).values(), 0, values, (i * halves + half) * length, length);
      }
    }
    Batch batch =
        new Batch(values, tiles.size() * halves, first.channels(), first.height(), first.width());
    float[] out = call(batch, t, classLabel, conditioning.text().repeated(tiles.size()), run);
    int item = LATENT_CHANNELS * first.height() * first.width();
    float[][] predictions = new float[tiles.size()][];
    for (int i = 0; i < tiles.size(); i++) {
      float[] part = new float[halves * item];
      System.arraycopy(out, i * halves * item, part, 0, halves * item);
      predictions[i] = halves == 2 ? Guidance.combine(part, guidance) : part;
    }
    return predictions;
  }

  /**
   * Predicts for several renders in one call (cross-job batching), each as {@link #predict} would
   * for it alone: the batch holds, per render, both guidance halves where guidance is on, and
   * {@code text} holds the matching rows (negative, positive per render, in the renders' order).
   * Every render shares the timestep {@code t}; each combines its halves with its own scale.
   *
   * @param guidance the guidance scale of each render; all enabled or none ({@link
   *     Guidance#enabled})
   * @return one output of {@link #LATENT_CHANNELS} channels per render, in their order
   */
  float[][] predictRenders(
      List<PlanarImage> inputs, double t, Context text, double[] guidance, RunOptions run)
      throws OrtException {
    int halves = Guidance.enabled(guidance[0]) ? 2 : 1;
    PlanarImage first = inputs.get(0);
    int length = first.values().length;
    float[] values = new float[inputs.size() * halves * length];
    for (int i = 0; i < inputs.size(); i++) {
      for (int half = 0; half < halves; half++) {
        System.arraycopy(inputs.get(i).values(), 0, values, (i * halves + half) * length, length);
      }
    }
    Batch batch =
        new Batch(values, inputs.size() * halves, first.channels(), first.height(), first.width());
    float[] out =
        text.tensors.length == 1
            ? call(batch, t, NO_CLASS_LABEL, text.tensors[0], run)
            : callPerItem(batch, t, NO_CLASS_LABEL, text, run);
    int item = LATENT_CHANNELS * first.height() * first.width();
    float[][] predictions = new float[inputs.size()][];
    for (int i = 0; i < inputs.size(); i++) {
      float[] part = new float[halves * item];
      System.arraycopy(out, i * halves * item, part, 0, halves * item);
      predictions[i] = halves == 2 ? Guidance.combine(part, guidance[i]) : part;
    }
    return predictions;
  }

  /**
   * The {@code sample} of one call: {@code size} items of {@code [channels, height, width]}, one
   * after another.
   */
  private record Batch(float[] values, int size, int channels, int height, int width) {
    /** {@code size} copies of {@code item}, one per guidance half. */
    static Batch repeated(PlanarImage item, int size) {
      float[] one = item.values();
      float[] values = one;
      if (size > 1) {
        values = new float[size * one.length];
        for (int i = 0; i < size; i++) {
          System.arraycopy(one, 0, values, i * one.length, one.length);
        }
      }
      return new Batch(values, size, item.channels(), item.height(), item.width());
    }

    /** Item {@code i} alone, a batch of one. */
    Batch item(int i) {
      int length = channels * height * width;
      float[] one = new float[length];
      System.arraycopy(values, i * length, one, 0, length);
      return new Batch(one, 1, channels, height, width);
    }
  }

  /** One call per batch item, for a UNet that takes a batch of one. */
  private float[] callPerItem(Batch batch, double t, int classLabel, Context text, RunOptions run)
      throws OrtException {
    int out = LATENT_CHANNELS * batch.height() * batch.width();
    float[] predictions = new float[batch.size() * out];
    for (int i = 0; i < batch.size(); i++) {
      System.arraycopy(
          call(batch.item(i), t, classLabel, text.tensors[i], run), 0, predictions, i * out, out);
    }
    return predictions;
  }

  private float[] call(Batch batch, double t, int classLabel, OnnxTensor text, RunOptions run)
      throws OrtException {
    long[] shape = {batch.size(), batch.channels(), batch.height(), batch.width()};
    try (OnnxTensor x = Tensors.floats(env, batch.values(), shape, sample.type());
        OnnxTensor time = Tensors.filled(env, t, timestep, batch.size());
        OnnxTensor labels =
            classLabels == null
                ? null
                : Tensors.filled(env, classLabel, classLabels, batch.size())) {
      Map<String, OnnxTensor> feeds =
          new HashMap<>(Map.of(sample.name(), x, timestep.name(), time, hiddenStates.name(), text));
      if (labels != null) {
        feeds.put(classLabels.name(), labels);
      }
      try (Result result = model.run(feeds, run)) {
        return Tensors.toFloats(result.get(0));
      }
    }
  }
}
