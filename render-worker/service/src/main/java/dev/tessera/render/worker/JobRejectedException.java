package dev.tessera.render.worker;

/**
 * A job that no delivery can render (settings out of range or that the model cannot take, a model
 * or upscaler this worker does not have): the worker rejects it on the queue and reports it FAILED
 * with this message, rather than letting it be redelivered. Every other failure of a job is taken
 * to be one that may pass, and is retried.
 */
public final class JobRejectedException extends Exception {
  public JobRejectedException(String message) {
    super(message);
  }
}
