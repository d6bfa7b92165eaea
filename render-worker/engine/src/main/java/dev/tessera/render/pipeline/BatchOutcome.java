package dev.tessera.render.pipeline;

/**
 * How one render of a batch ended: its result, or why it has none (a {@link
 * RenderCancelledException} when its own token was cancelled, an {@link
 * UnsupportedRequestException} when its settings are bad).
 */
public record BatchOutcome(RenderResult result, RuntimeException failure) {
  static BatchOutcome of(RenderResult result) {
    return new BatchOutcome(result, null);
  }

  static BatchOutcome failed(RuntimeException failure) {
    return new BatchOutcome(null, failure);
  }

  /**
   * The result.
   *
   * @throws RuntimeException the render's failure, when it has no result
   */
  public RenderResult get() {
    if (failure != null) {
      throw failure;
    }
    return result;
  }
}
