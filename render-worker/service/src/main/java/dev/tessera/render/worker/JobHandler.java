package dev.tessera.render.worker;

import dev.tessera.render.pipeline.CancelToken;
import java.util.ArrayList;
import java.util.List;

/**
 * What a worker does with one job it took from its queue. Called on the worker's render thread, one
 * job at a time ({@link #handle}) or one poll's jobs at a time ({@link #handleBatch}), once the
 * jobs' records are accepted: the queue never delivers it again, so the handler reports every
 * ending to the scheduler, which decides what happens next.
 */
@FunctionalInterface
public interface JobHandler {
  /** How a job ended, for logs and tests; the scheduler hears of it through the job's events. */
  enum Outcome {
    /** Rendered, stored and reported. */
    SUCCEEDED,
    /** Can never succeed; reported failed for good. */
    FAILED,
    /**
     * Failed in a way another attempt may fix, or stopped because the worker shuts down; reported
     * failed and retryable.
     */
    RETRYABLE,
    /** Its owner cancelled it; reported canceled. */
    CANCELED,
    /** Not a job that can be reported (unreadable, or never dispatched); logged only. */
    DROPPED
  }

  /**
   * Runs the job in {@code payload} (a {@code RenderJob} as JSON).
   *
   * @param cancel cancelled when the worker shuts down mid-job, and by the handler itself when the
   *     job's owner cancels it
   */
  Outcome handle(byte[] payload, CancelToken cancel);

  /**
   * Runs the accepted jobs in {@code payloads} (what one poll of a batching worker took), each with
   * its own token, and says how each ended, in their order. A handler that batches renders
   * compatible jobs together; this default runs them one after another.
   */
  default List<Outcome> handleBatch(List<byte[]> payloads, List<CancelToken> cancels) {
    List<Outcome> outcomes = new ArrayList<>(payloads.size());
    for (int i = 0; i < payloads.size(); i++) {
      outcomes.add(handle(payloads.get(i), cancels.get(i)));
    }
    return outcomes;
  }
}
