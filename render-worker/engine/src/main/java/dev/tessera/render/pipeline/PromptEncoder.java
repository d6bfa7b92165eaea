package dev.tessera.render.pipeline;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.RunOptions;
import dev.tessera.render.text.ClipTokenizer;
import dev.tessera.render.text.PromptTokens;
import dev.tessera.render.text.PromptWeights;
import dev.tessera.render.text.WeightedText;
import java.util.ArrayList;
import java.util.List;

/**
 * Prompt text to UNet context, as AUTOMATIC1111 builds it: the emphasis syntax of {@link
 * PromptWeights} (only where the prompt uses it), prompts beyond one window of the text encoder cut
 * into chunks that are encoded separately and concatenated along the token axis, and the shorter of
 * the negative and positive prompt padded with chunks of the empty prompt so both rows have one
 * length.
 *
 * <p>Emphasis scales each token's hidden state by its weight, then scales the whole chunk so its
 * mean is what it was before (A1111's "original" emphasis). Chunks whose weights are all 1 are left
 * exactly as the encoder returned them.
 *
 * <p>Stateless apart from the stages it is given; does not own them.
 */
public final class PromptEncoder {
  /**
   * Chunks of 75 tokens per prompt where the UNet takes any context length; 2,400 tokens, past what
   * the API's longest prompt (2,000 characters) can produce.
   */
  public static final int MAX_CHUNKS = 32;

  private final ClipTokenizer tokenizer;
  private final TextEncoder encoder;
  private final int maxChunks;

  /**
   * @param contextTokens the context length the UNet takes, or -1 for any: a fixed length allows
   *     that many whole chunks (at least one), and cuts longer prompts
   */
  public PromptEncoder(ClipTokenizer tokenizer, TextEncoder encoder, long contextTokens) {
    this.tokenizer = tokenizer;
    this.encoder = encoder;
    this.maxChunks =
        contextTokens < 0
            ? MAX_CHUNKS
            : (int) Math.max(1, Math.min(MAX_CHUNKS, contextTokens / tokenizer.maxLength()));
  }

  /** Chunks a prompt may use with this encoder's UNet. */
  public int maxChunks() {
    return maxChunks;
  }

  /** The prompt's tokens and weights. */
  public PromptTokens tokens(String prompt) {
    List<WeightedText> runs =
        PromptWeights.uses(prompt)
            ? PromptWeights.parse(prompt)
            : List.of(new WeightedText(prompt, 1.0));
    return tokenizer.tokenizeChunks(runs, maxChunks);
  }

  /**
   * Encodes prompts into one context row each, {@code [prompts.size(), chunks × maxLength,
   * hidden]}, with the chunk count of the longest prompt.
   */
  public Embeddings encode(List<PromptTokens> prompts, RunOptions run) throws OrtException {
    int chunks = prompts.stream().mapToInt(p -> p.chunks().size()).max().orElseThrow();
    PromptTokens empty = null;
    List<int[]> rows = new ArrayList<>();
    List<float[]> weights = new ArrayList<>();
    for (PromptTokens prompt : prompts) {
      rows.addAll(prompt.chunks());
      weights.addAll(prompt.weights());
      for (int c = prompt.chunks().size(); c < chunks; c++) {
        empty = empty == null ? tokens("") : empty;
        rows.add(empty.chunks().get(0));
        weights.add(empty.weights().get(0));
      }
    }
    Embeddings encoded = encoder.encode(rows, run);
    float[] data = encoded.data();
    int chunkSize = encoded.tokens() * encoded.hidden();
    for (int r = 0; r < rows.size(); r++) {
      emphasize(data, r * chunkSize, weights.get(r), encoded.hidden());
    }
    // [prompts × chunks, tokens, hidden] is already [prompts, chunks × tokens, hidden] in memory.
    return new Embeddings(data, prompts.size(), chunks * encoded.tokens(), encoded.hidden());
  }

  /**
   * Scales the hidden states of one chunk at {@code offset} by their tokens' weights and restores
   * the chunk's mean; leaves a chunk of weight 1 throughout untouched.
   */
  static void emphasize(float[] data, int offset, float[] weights, int hidden) {
    boolean weighted = false;
    for (float w : weights) {
      weighted |= w != 1f;
    }
    if (!weighted) {
      return;
    }
    int size = weights.length * hidden;
    double before = 0;
    for (int i = 0; i < size; i++) {
      before += data[offset + i];
    }
    double after = 0;
    for (int t = 0; t < weights.length; t++) {
      for (int h = 0; h < hidden; h++) {
        int i = offset + t * hidden + h;
        data[i] *= weights[t];
        after += data[i];
      }
    }
    if (after == 0) {
      return; // no mean to restore; A1111 would divide by zero here
    }
    float restore = (float) (before / after);
    for (int i = 0; i < size; i++) {
      data[offset + i] *= restore;
    }
  }
}
