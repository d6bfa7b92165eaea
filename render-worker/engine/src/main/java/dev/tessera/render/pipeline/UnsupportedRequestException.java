package dev.tessera.render.pipeline;

/**
 * A request that can never succeed with this engine object, however often it is tried: settings out
 * of range, or that this model or upscaler cannot take (img2img without a VAE encoder, a target
 * smaller than the image, a noise level above the bundle's maximum). A worker fails such a job for
 * good; any other failure (ONNX Runtime, storage, the network) may pass, and is retried. It stays
 * an {@link IllegalArgumentException}, so callers that only report bad input need not tell the two
 * apart; code that decides retries must catch this type, never its parent.
 */
public final class UnsupportedRequestException extends IllegalArgumentException {
  public UnsupportedRequestException(String message) {
    super(message);
  }
}
