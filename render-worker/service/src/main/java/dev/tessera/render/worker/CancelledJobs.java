package dev.tessera.render.worker;

import dev.tessera.render.pipeline.CancelToken;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What this worker knows of cancelled jobs: the ids its {@link ControlReader} has read, and the
 * render under way of each job, whose token is cancelled as soon as its id is known cancelled,
 * whichever of the two comes first.
 *
 * <p>The ids are bounded: past {@code capacity} the oldest is forgotten, so a worker's memory does
 * not grow with the farm's history. A forgotten job that is still queued would be rendered; its
 * events change nothing, since the scheduler has already recorded it CANCELED. Thread-safe.
 */
public final class CancelledJobs {
  private final int capacity;
  private final Map<UUID, Boolean> ids;
  private final Map<UUID, CancelToken> running = new HashMap<>();

  /**
   * @param capacity how many ids to remember at most
   */
  public CancelledJobs(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    this.ids =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > CancelledJobs.this.capacity;
          }
        };
  }

  /** Remembers that {@code jobId} is cancelled, and cancels its render if one is under way. */
  public synchronized void add(UUID jobId) {
    ids.put(jobId, Boolean.TRUE);
    CancelToken token = running.get(jobId);
    if (token != null) {
      token.cancel();
    }
  }

  /** Whether {@code jobId} is known cancelled. */
  public synchronized boolean contains(UUID jobId) {
    return ids.containsKey(jobId);
  }

  /** How many ids are remembered. */
  public synchronized int size() {
    return ids.size();
  }

  /**
   * Ties {@code token} to the render of {@code jobId} until the returned handle is closed: a cancel
   * of the job cancels it, at once if the job is already known cancelled.
   */
  public synchronized Tracked track(UUID jobId, CancelToken token) {
    running.put(jobId, token);
    if (ids.containsKey(jobId)) {
      token.cancel();
    }
    return () -> untrack(jobId, token);
  }

  private synchronized void untrack(UUID jobId, CancelToken token) {
    running.remove(jobId, token);
  }

  /** A render tied to its job's cancellation; closing unties it. */
  @FunctionalInterface
  public interface Tracked extends AutoCloseable {
    @Override
    void close();
  }
}
