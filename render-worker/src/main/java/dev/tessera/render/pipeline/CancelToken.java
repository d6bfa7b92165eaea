package dev.tessera.render.pipeline;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.RunOptions;

/**
 * Cancels one render from any thread: the render stops before its next step, and a model run already under way is
 * terminated inside ONNX Runtime through its {@link RunOptions}. One token serves one render.
 */
public final class CancelToken {
  private volatile boolean cancelled;
  private RunOptions running;

  /** Asks the render to stop; safe to call at any time, more than once. */
  public synchronized void cancel() {
    cancelled = true;
    if (running != null) {
      try {
        running.setTerminate(true);
      } catch (OrtException e) {
        // The run finishes on its own; the flag still stops the render before its next step.
      }
    }
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * Throws when cancelled; called between steps.
   *
   * @throws RenderCancelledException when {@link #cancel()} was called
   */
  public void check() {
    if (cancelled) {
      throw new RenderCancelledException();
    }
  }

  /** Registers the run options of the render under way (null when it ends), terminating them if already cancelled. */
  public synchronized void attach(RunOptions options) throws OrtException {
    running = options;
    if (cancelled && options != null) {
      options.setTerminate(true);
    }
  }
}
