package dev.tessera.render.pipeline;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.RunOptions;
import java.io.IOException;

/**
 * Cancels one render from any thread: the render stops before its next step, and a model run
 * already under way is terminated inside ONNX Runtime through its {@link RunOptions}. One token
 * serves one render.
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

  /** Work on ONNX Runtime sessions that a {@link RunOptions} can terminate. */
  @FunctionalInterface
  public interface Cancellable<T> {
    T run(RunOptions options) throws OrtException, IOException;
  }

  /**
   * Runs {@code work} with fresh run options attached to this token, so that {@link #cancel()}
   * terminates the session run under way.
   *
   * @throws RenderCancelledException when the work was cancelled
   * @throws IOException when ONNX Runtime fails otherwise
   */
  public <T> T runCancellable(Cancellable<T> work) throws IOException {
    try (RunOptions options = new RunOptions()) {
      attach(options);
      return work.run(options);
    } catch (OrtException e) {
      if (cancelled) {
        throw new RenderCancelledException();
      }
      throw new IOException("ONNX Runtime failed: " + e.getMessage(), e);
    } finally {
      detach();
    }
  }

  private synchronized void detach() {
    running = null;
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

  /** Registers the run options of the work under way, terminating them if already cancelled. */
  private synchronized void attach(RunOptions options) throws OrtException {
    running = options;
    if (cancelled) {
      options.setTerminate(true);
    }
  }
}
