package dev.tessera.gateway.watch;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Runs a task on an executor, one run at a time, however often it is {@link #request}ed: requests
 * that come while it runs make one more run, not one each. So a burst of notifications costs a
 * waiting client one query, or two, and never a query per notification. Thread-safe.
 */
final class SerialTask {
  private static final Logger LOG = Logger.getLogger(SerialTask.class);

  private final Runnable task;
  private final Executor executor;
  // 0: idle; 1: queued or running; 2: running, and asked for again meanwhile.
  private final AtomicInteger state = new AtomicInteger();

  SerialTask(Runnable task, Executor executor) {
    this.task = task;
    this.executor = executor;
  }

  /** Has the task run soon, unless a run is queued that has not started. */
  void request() {
    if (state.getAndUpdate(s -> Math.min(s + 1, 2)) == 0) {
      executor.execute(this::run);
    }
  }

  private void run() {
    do {
      state.set(1);
      try {
        task.run();
      } catch (RuntimeException e) {
        // The task handles its own failures; this only keeps one it missed from stalling it.
        LOG.error("a serial task failed", e);
      }
    } while (!state.compareAndSet(1, 0));
  }
}
