package dev.tessera.render.pipeline;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.Result;
import ai.onnxruntime.OrtSession.RunOptions;
import dev.tessera.render.onnx.InputSpec;
import dev.tessera.render.onnx.OnnxModel;
import dev.tessera.render.onnx.Tensors;
import java.util.List;
import java.util.Map;

/**
 * The text-encoder stage: token ids in, {@code last_hidden_state} out (for SD 2.x that output
 * already is CLIP's penultimate layer). Runs all prompts in one call where the model takes a
 * dynamic batch, one call each otherwise.
 *
 * <p>Does not own the model; whoever made it (the {@link Renderer}, an upscaler) closes it.
 */
public final class TextEncoder {
  private final OrtEnvironment env;
  private final OnnxModel model;
  private final InputSpec ids;

  public TextEncoder(OrtEnvironment env, OnnxModel model) {
    this.env = env;
    this.model = model;
    this.ids = model.input("input_ids");
  }

  /** Encodes token-id rows (each of the tokenizer's full length) into hidden states. */
  public Embeddings encode(List<int[]> rows, RunOptions runOptions) throws OrtException {
    if (!ids.isDynamic(0) && rows.size() > 1) {
      Embeddings[] parts = new Embeddings[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        parts[i] = encode(List.of(rows.get(i)), runOptions);
      }
      return concat(parts);
    }
    int tokens = rows.get(0).length;
    int[] flat = new int[rows.size() * tokens];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, flat, i * tokens, tokens);
    }
    try (OnnxTensor input = Tensors.ints(env, flat, new long[] {rows.size(), tokens}, ids.type());
        Result result = model.run(Map.of(ids.name(), input), runOptions)) {
      var hidden = result.get("last_hidden_state").orElseGet(() -> result.get(0));
      long[] shape = Tensors.shape(hidden);
      return new Embeddings(
          Tensors.toFloats(hidden), (int) shape[0], (int) shape[1], (int) shape[2]);
    }
  }

  private static Embeddings concat(Embeddings[] parts) {
    Embeddings first = parts[0];
    int size = first.tokens() * first.hidden();
    float[] data = new float[parts.length * size];
    for (int i = 0; i < parts.length; i++) {
      System.arraycopy(parts[i].data(), 0, data, i * size, size);
    }
    return new Embeddings(data, parts.length, first.tokens(), first.hidden());
  }
}
