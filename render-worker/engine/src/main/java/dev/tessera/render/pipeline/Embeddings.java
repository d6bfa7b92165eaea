package dev.tessera.render.pipeline;

/** Text-encoder hidden states for a batch of prompts, row-major {@code [batch, tokens, hidden]}. */
public record Embeddings(float[] data, int batch, int tokens, int hidden) {
  /** The embedding of prompt {@code i} alone. */
  public Embeddings item(int i) {
    int size = tokens * hidden;
    float[] one = new float[size];
    System.arraycopy(data, i * size, one, 0, size);
    return new Embeddings(one, 1, tokens, hidden);
  }
}
