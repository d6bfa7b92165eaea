package dev.tessera.render.pipeline;

/** Thrown out of a render that was cancelled through its {@link CancelToken}. */
public final class RenderCancelledException extends RuntimeException {
  public RenderCancelledException() {
    super("render cancelled");
  }
}
