package dev.tessera.render.service;

import java.util.ArrayDeque;
import java.util.Deque;
import org.jboss.logging.Logger;

/**
 * What a start-up has opened so far, closed last-first: by the start-up itself when it fails or
 * learns that shutdown began, or by the shutdown once the start-up handed it over. A failure to
 * close one resource is logged and the rest are still closed.
 *
 * <p>Lifetime: resources are added until {@link #close()} (safe twice); adding to a closed closer
 * closes the resource at once, so nothing opened after shutdown began outlives it.
 */
final class Closer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Closer.class);

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private boolean closed;

  /** Takes {@code resource} into its care and returns it. */
  <T extends AutoCloseable> T add(T resource) {
    boolean closeNow;
    synchronized (this) {
      closeNow = closed;
      if (!closed) {
        opened.push(resource);
      }
    }
    if (closeNow) {
      closeQuietly(resource);
    }
    return resource;
  }

  synchronized int size() {
    return opened.size();
  }

  @Override
  public void close() {
    Deque<AutoCloseable> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayDeque<>(opened);
      opened.clear();
    }
    toClose.forEach(Closer::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warnf("closing %s failed: %s", resource, e.getMessage());
    }
  }
}
