package dev.tessera.gateway.watch;

import dev.tessera.common.JobEvent;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Who is waiting for which job or batch: long polls and event streams {@link #watch} an id, and the
 * gateway's one {@link ChangeListener} (and its render.events feed) tells the hub what changed,
 * which tells the watchers of that job and of its batch. So a waiting client costs a map entry, not
 * a query a second. The number of watches is bounded; past it {@link #watch} refuses. Thread-safe.
 */
public final class ChangeHub {
  private static final Logger LOG = Logger.getLogger(ChangeHub.class);

  /**
   * Told of changes on the thread that learnt of them (the listener's, the Kafka consumer's): it
   * must return at once, handing any work (a query) to an executor.
   */
  public interface Observer {
    /** {@code change} concerns the watched job, or a job of the watched batch. */
    void changed(JobChange change);

    /** Anything may have changed meanwhile: the listener was away and missed notifications. */
    void resync();

    /** A worker reported progress of the watched job (render.events). */
    default void progressed(JobEvent.Progress progress) {}
  }

  /** One observer watching one id, until closed. */
  public final class Watch implements AutoCloseable {
    private final UUID id;
    private final Observer observer;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private Watch(UUID id, Observer observer) {
      this.id = id;
      this.observer = observer;
    }

    /** Stops watching; safe twice. */
    @Override
    public void close() {
      if (open.compareAndSet(true, false)) {
        observers.computeIfPresent(
            id,
            (key, set) -> {
              set.remove(observer);
              return set.isEmpty() ? null : set;
            });
        watching.decrementAndGet();
      }
    }
  }

  private final ConcurrentHashMap<UUID, Set<Observer>> observers = new ConcurrentHashMap<>();
  private final List<Observer> everything = new CopyOnWriteArrayList<>();
  private final AtomicInteger watching = new AtomicInteger();
  private final int maxWatches;

  /**
   * @param maxWatches how many watches may be open at once (each waiting request and open stream
   *     holds one)
   */
  public ChangeHub(int maxWatches) {
    if (maxWatches < 1) {
      throw new IllegalArgumentException("max watches must be at least 1, got " + maxWatches);
    }
    this.maxWatches = maxWatches;
  }

  /**
   * Has {@code observer} told of changes to job or batch {@code id} until the watch is closed.
   *
   * @throws TooManyWatchesException when {@code maxWatches} are open already
   */
  public Watch watch(UUID id, Observer observer) {
    if (watching.incrementAndGet() > maxWatches) {
      watching.decrementAndGet();
      throw new TooManyWatchesException(maxWatches);
    }
    observers.compute(
        id,
        (key, set) -> {
          Set<Observer> watchers = set != null ? set : ConcurrentHashMap.newKeySet();
          watchers.add(observer);
          return watchers;
        });
    return new Watch(id, observer);
  }

  /**
   * Has {@code observer} told of every change, whatever it concerns, for the hub's lifetime (a
   * cache of answers, say); it counts against no limit.
   */
  public void watchAll(Observer observer) {
    everything.add(observer);
  }

  /** Watches open now. */
  public int watching() {
    return watching.get();
  }

  /** Tells the watchers of the job, and of its batch when the change names one. */
  public void changed(JobChange change) {
    // Those watching everything (the kept answers) first, so a watcher that reads again on this
    // news is not served the answer it replaces.
    everything.forEach(observer -> tell(observer, o -> o.changed(change)));
    tell(change.jobId(), observer -> observer.changed(change));
    if (change.batchId() != null) {
      tell(change.batchId(), observer -> observer.changed(change));
    }
  }

  /** Tells the watchers of the job that its worker reported progress. */
  public void progressed(JobEvent.Progress progress) {
    tell(progress.jobId(), observer -> observer.progressed(progress));
  }

  /** Tells every watcher that anything may have changed. */
  public void resync() {
    everything.forEach(observer -> tell(observer, Observer::resync));
    observers.values().forEach(set -> set.forEach(observer -> tell(observer, Observer::resync)));
  }

  private void tell(UUID id, Consumer<Observer> message) {
    Set<Observer> watchers = observers.get(id);
    if (watchers != null) {
      watchers.forEach(observer -> tell(observer, message));
    }
  }

  private static void tell(Observer observer, Consumer<Observer> message) {
    try {
      message.accept(observer);
    } catch (RuntimeException e) {
      // One broken observer must not keep the news from the others, nor stop the listener.
      LOG.error("a change observer failed", e);
    }
  }
}
