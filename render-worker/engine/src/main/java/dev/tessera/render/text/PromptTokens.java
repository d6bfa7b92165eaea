package dev.tessera.render.text;

import java.util.List;

/**
 * One prompt as token chunks for the text encoder, each with the emphasis weight of every token.
 *
 * @param chunks id rows of {@link ClipTokenizer#maxLength()} each: BOS, up to {@code maxLength - 2}
 *     content tokens, EOS, then pad ids; one chunk at least
 * @param weights per chunk, one weight per id; BOS, EOS and padding weigh 1
 * @param tokenCount content tokens the prompt produced before truncation (BOS and EOS not counted)
 * @param droppedWords words with at least one token cut off by the chunk limit, in prompt order
 */
public record PromptTokens(
    List<int[]> chunks, List<float[]> weights, int tokenCount, List<String> droppedWords) {
  public PromptTokens {
    chunks = List.copyOf(chunks);
    weights = List.copyOf(weights);
    droppedWords = List.copyOf(droppedWords);
    if (chunks.isEmpty() || chunks.size() != weights.size()) {
      throw new IllegalArgumentException(
          "need one weight row per chunk, at least one: " + chunks.size() + "/" + weights.size());
    }
  }

  /** Whether any token weighs other than 1, so the text encoder's output must be re-weighted. */
  public boolean weighted() {
    for (float[] row : weights) {
      for (float w : row) {
        if (w != 1f) {
          return true;
        }
      }
    }
    return false;
  }
}
