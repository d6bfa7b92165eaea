package dev.tessera.render.pipeline;

import java.util.List;

/** Text-encoder hidden states for a batch of prompts, row-major {@code [batch, tokens, hidden]}. */
public record Embeddings(float[] data, int batch, int tokens, int hidden) {
  /**
   * The rows of {@code parts}, one after another, in one batch.
   *
   * @throws IllegalArgumentException when the parts differ in token count or hidden size
   */
  public static Embeddings concat(List<Embeddings> parts) {
    Embeddings first = parts.get(0);
    int rows = 0;
    for (Embeddings part : parts) {
      if (part.tokens != first.tokens || part.hidden != first.hidden) {
        throw new IllegalArgumentException(
            "cannot batch embeddings of "
                + part.tokens
                + "x"
                + part.hidden
                + " with "
                + first.tokens
                + "x"
                + first.hidden);
      }
      rows += part.batch;
    }
    float[] data = new float[rows * first.tokens * first.hidden];
    int at = 0;
    for (Embeddings part : parts) {
      System.arraycopy(part.data, 0, data, at, part.data.length);
      at += part.data.length;
    }
    return new Embeddings(data, rows, first.tokens, first.hidden);
  }

  /** The embedding of prompt {@code i} alone. */
  public Embeddings item(int i) {
    int size = tokens * hidden;
    float[] one = new float[size];
    System.arraycopy(data, i * size, one, 0, size);
    return new Embeddings(one, 1, tokens, hidden);
  }
}
