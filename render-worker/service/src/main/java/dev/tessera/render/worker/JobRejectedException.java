package dev.tessera.render.worker;

/**
 * A job that no delivery can render (settings out of range, a model or upscaler this farm does not have): the worker
 * rejects it on the queue and reports it FAILED with this message, rather than letting it be redelivered.
 */
public final class JobRejectedException extends Exception {
  public JobRejectedException(String message) {
    super(message);
  }
}
