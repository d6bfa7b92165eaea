package dev.tessera.scheduler;

import dev.tessera.common.RequestIds;
import org.jboss.logging.MDC;

/**
 * Puts a job's request id ({@link RequestIds}) in the log context of this thread, so the lines
 * logged about the job name the request that submitted it.
 *
 * <p>Lifetime: from {@link #of} to {@link #close()}, on one thread; closing twice is harmless.
 */
public final class RequestLogContext implements AutoCloseable {
  private static final RequestLogContext NONE = new RequestLogContext(false);

  private final boolean set;

  private RequestLogContext(boolean set) {
    this.set = set;
  }

  /** {@code requestId} in the log context until closed; nothing when it is null. */
  public static RequestLogContext of(String requestId) {
    if (requestId == null) {
      return NONE;
    }
    MDC.put(RequestIds.LOG_KEY, requestId);
    return new RequestLogContext(true);
  }

  @Override
  public void close() {
    if (set) {
      MDC.remove(RequestIds.LOG_KEY);
    }
  }
}
