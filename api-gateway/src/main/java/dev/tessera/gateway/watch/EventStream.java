package dev.tessera.gateway.watch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.common.JobState;
import dev.tessera.gateway.batches.BatchQuery;
import dev.tessera.gateway.jobs.ResultLinks;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * One client's server-sent event stream of a job or a batch: watches the id in the {@link
 * ChangeHub} from before its first read, sends what the client has not seen on connect, then what
 * changes, and ends after the end. Reads run on an executor, one at a time ({@link SerialTask});
 * sending holds the stream's lock, so events leave in the order they were decided.
 *
 * <p>Every {@link #KEEPALIVE} it sends a comment, so that proxies keep the connection and a client
 * gone is noticed; while the {@link ChangeListener} is away, or after a read failed, it also reads
 * again then, the stream's fallback to polling.
 *
 * <p>Lifetime: holds a watch from {@link #watch} until the stream ends or the client leaves (the
 * subscription's termination), whichever comes first.
 */
abstract class EventStream implements ChangeHub.Observer {
  static final Duration KEEPALIVE = Duration.ofSeconds(15);

  /** Progress events of one job are at least this far apart. */
  static final Duration PROGRESS_INTERVAL = Duration.ofMillis(500);

  private static final Logger LOG = Logger.getLogger(EventStream.class);

  protected final Executor executor;
  protected final SerialTask refresh;
  private final ChangeHub hub;
  private final Sse sse;
  private final ObjectMapper mapper;
  private final ResultLinks links;
  private final BooleanSupplier listening;
  private ChangeHub.Watch watch;
  private MultiEmitter<? super OutboundSseEvent> emitter;
  private boolean ended;
  private volatile boolean stale;

  EventStream(Services services, Sse sse) {
    this.hub = services.hub();
    this.executor = services.executor();
    this.mapper = services.mapper();
    this.links = services.links();
    this.listening = services.listening();
    this.sse = sse;
    this.refresh = new SerialTask(this::refreshSafely, executor);
  }

  /** What every stream uses, in one place. */
  record Services(
      ChangeHub hub,
      JobSnapshots jobs,
      BatchQuery batches,
      ResultLinks links,
      ObjectMapper mapper,
      Executor executor,
      BooleanSupplier listening) {}

  /**
   * Starts watching {@code id}; before the first read.
   *
   * @throws TooManyWatchesException when every watch is taken
   */
  final void watch(UUID id) {
    watch = hub.watch(id, this);
  }

  /** The stream; sends its first events when subscribed. */
  final Multi<OutboundSseEvent> events() {
    return Multi.createFrom().<OutboundSseEvent>emitter(this::open);
  }

  /** Stops watching; safe twice, and before {@link #events()} was subscribed. */
  final void close() {
    if (watch != null) {
      watch.close();
    }
  }

  /** Sends the events a client connecting now has not seen; under the lock. */
  protected abstract void opened();

  /** Reads what changed and sends it; on the executor, one run at a time. */
  protected abstract void refreshNow() throws Exception;

  /** Whether {@link #opened()} ran: until it has, nothing is sent and changes wait for it. */
  protected final synchronized boolean isOpen() {
    return emitter != null;
  }

  protected final synchronized boolean ended() {
    return ended;
  }

  /** Sends one event, unless the stream ended. */
  protected final synchronized void send(String name, String id, Object data) {
    if (ended || emitter == null) {
      return;
    }
    try {
      emitter.emit(
          sse.newEventBuilder().name(name).id(id).data(mapper.writeValueAsString(data)).build());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a " + name + " event", e);
    }
  }

  /**
   * Sends a job's end: {@code succeeded} (with its result URL, unless the result was deleted),
   * {@code failed} or {@code cancelled}.
   */
  protected final void sendJobEnd(JobSnapshot job, String customId, String id) {
    if (job.state() == JobState.SUCCEEDED) {
      String resultUrl = links.forKeptResult(job.id(), job.objectKey(), job.resultDeleted());
      send("succeeded", id, JobUpdate.end(job, customId, resultUrl));
    } else {
      send(
          job.state() == JobState.FAILED ? "failed" : "cancelled",
          id,
          JobUpdate.end(job, customId, null));
    }
  }

  /** Ends the stream after what was sent. */
  protected final synchronized void end() {
    if (!ended) {
      ended = true;
      if (emitter != null) {
        emitter.complete();
      }
    }
    close();
  }

  private synchronized void open(MultiEmitter<? super OutboundSseEvent> emitter) {
    this.emitter = emitter;
    emitter.onTermination(this::terminated);
    opened();
    if (!ended) {
      // Whatever changed between the first read and now.
      refresh.request();
      scheduleKeepalive();
    }
  }

  /** The stream completed, or the client left. */
  private synchronized void terminated() {
    ended = true;
    close();
  }

  private void refreshSafely() {
    if (!isOpen() || ended()) {
      return;
    }
    try {
      refreshNow();
      stale = false;
    } catch (Exception e) {
      stale = true;
      LOG.warnf(
          "an event stream could not read its job or batch (%s); trying again in %d s",
          e.getMessage(), KEEPALIVE.toSeconds());
    }
  }

  private void scheduleKeepalive() {
    CompletableFuture.delayedExecutor(KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS, executor)
        .execute(this::keepalive);
  }

  private void keepalive() {
    synchronized (this) {
      if (ended) {
        return;
      }
      emitter.emit(sse.newEventBuilder().comment("keepalive").build());
      scheduleKeepalive();
    }
    if (stale || !listening.getAsBoolean()) {
      refresh.request();
    }
  }
}
