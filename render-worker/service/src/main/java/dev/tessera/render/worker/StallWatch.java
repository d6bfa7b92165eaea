package dev.tessera.render.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Tells a stalled queue loop from a busy or rightly idle one, for the worker's liveness check, so
 * that the orchestrator (Kubernetes, or the local launcher) restarts a worker that has stopped
 * taking work:
 *
 * <ul>
 *   <li>idle ({@link RenderWorker.State#POLLING}) for {@code stallAfter} while jobs wait that it
 *       could take;
 *   <li>in a step that takes seconds at most (accepting, reconnecting) for {@code stallAfter}.
 * </ul>
 *
 * A render is never a stall however long it takes, and neither is idleness beside an empty queue or
 * while the backlog cannot be read (a broker outage is not cured by restarting workers). Pure logic
 * over a status and a clock.
 */
public final class StallWatch {
  /**
   * The number of jobs waiting for a worker; asked only of a worker idle for {@code stallAfter}.
   */
  @FunctionalInterface
  public interface Backlog {
    long waiting() throws IOException;
  }

  private final Duration stallAfter;
  private final Backlog backlog;

  public StallWatch(Duration stallAfter, Backlog backlog) {
    if (stallAfter.isNegative() || stallAfter.isZero()) {
      throw new IllegalArgumentException("stall timeout must be positive, got " + stallAfter);
    }
    this.stallAfter = stallAfter;
    this.backlog = backlog;
  }

  /**
   * Why the loop counts as stalled at {@code nowNanos} ({@link System#nanoTime()}), or empty when
   * it does not.
   */
  public Optional<String> check(RenderWorker.Status status, long nowNanos) {
    Duration in = Duration.ofNanos(nowNanos - status.sinceNanos());
    if (in.compareTo(stallAfter) < 0) {
      return Optional.empty();
    }
    return switch (status.state()) {
      case RENDERING, STOPPED -> Optional.empty();
      case ACCEPTING, RECONNECTING ->
          Optional.of(
              "the queue loop has been "
                  + status.state().name().toLowerCase()
                  + " for "
                  + in.toSeconds()
                  + " s");
      case POLLING -> idleBesideBacklog(in);
    };
  }

  private Optional<String> idleBesideBacklog(Duration idle) {
    long waiting;
    try {
      waiting = backlog.waiting();
    } catch (IOException e) {
      return Optional.empty();
    }
    return waiting > 0
        ? Optional.of(
            "idle for " + idle.toSeconds() + " s while " + waiting + " job(s) wait in its queues")
        : Optional.empty();
  }
}
