package dev.tessera.render.worker;

/**
 * A job that no attempt can render (settings out of range or that the model cannot take, a model or
 * upscaler this worker does not have): the worker reports it failed for good with this message, so
 * the scheduler does not dispatch it again. Every other failure of a job is taken to be one that
 * may pass, and is reported retryable.
 */
public final class JobRejectedException extends Exception {
  public JobRejectedException(String message) {
    super(message);
  }
}
