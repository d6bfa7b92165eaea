package dev.tessera.render.worker;

import dev.tessera.render.pipeline.CancelToken;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The worker's queue loop over a Kafka share group: takes one job at a time from the {@code
 * render.jobs.<model>} topics, runs it on a render thread, keeps its lock while it runs, and
 * acknowledges it explicitly when it ends.
 *
 * <h2>States</h2>
 *
 * <p>Each turn of {@link #run()} runs the step of the current {@link State} and moves to the next
 * one:
 *
 * <pre>
 *   POLLING       --a poll returned a job-------------------------&gt; RENDERING
 *   POLLING       --the poll failed-------------------------------&gt; RECONNECTING
 *   RENDERING     --a renewal is due------------------------------&gt; RENEWING
 *   RENDERING     --the handler answered--------------------------&gt; ACKNOWLEDGING
 *   RENEWING      --the broker confirmed the renewal--------------&gt; RENDERING
 *   RENEWING      --the renewal failed or outlived the lock-------&gt; RECONNECTING (the job is cancelled)
 *   ACKNOWLEDGING --the broker confirmed, or refused, the answer--&gt; POLLING
 *   ACKNOWLEDGING --the outcome is unknown (timeout, error)-------&gt; RECONNECTING
 *   RECONNECTING  --a fresh consumer is subscribed----------------&gt; POLLING
 *   any           --{@link #close()}, once no job is held---------&gt; STOPPED
 * </pre>
 *
 * <h2>Why a busy worker fetches nothing, and why that matters</h2>
 *
 * <p>An earlier loop renewed its lock by acknowledging RENEW and then polling. In kafka-clients 4.2
 * a poll that finds no record in flight (the renewed one is in flight again only once the broker
 * confirmed) hands the network thread a fetch; the broker answers the RENEW-carrying fetch without
 * records (KIP-1222), but the client keeps fetching in the background until one arrives. So
 * renewals acquired further jobs while the worker was busy. Such a record waited in the client's
 * fetch buffer, invisible to the application (a poll returns buffered records only once nothing is
 * in flight or renewing), so nobody renewed it; its lock lapsed, and the next renewal's fetch
 * acquired it again, one delivery more each time. When the long job ended, the worker rendered the
 * stale copies, whose acknowledgements failed with "The record state is invalid" while the same
 * jobs were delivered again. Reproduced with a 2 s lock: the four jobs queued behind a 25 s render
 * were each rendered five times, reaching the group's delivery limit (5), past which the broker
 * archives a record and its job stays QUEUED, never attempted, while the worker idles beside it. A
 * renewal whose outcome never came back also left the record "renewing" inside the client, and
 * while one is, a poll returns nothing. CPU starvation of the loop thread and a slow broker only
 * made lapses more frequent. (The other cause of idle workers beside a backlog was the queues'
 * partition count: see {@code Topics.JOB_PARTITIONS}.)
 *
 * <p>This loop renews with {@link ShareConsumer#commitSync(Duration)}, which sends a
 * ShareAcknowledge request and never a fetch, and then polls with a zero timeout, which hands the
 * renewed record back without fetching (the client fetches only when nothing is in flight or
 * renewing). A busy worker therefore holds exactly one record, and jobs wait on the broker, where
 * any idle worker can take them. Should a poll still return a record the worker did not ask for, it
 * is released at once (which spends one of that job's deliveries), never held unrenewed. Any doubt
 * about the consumer's state (a renewal or acknowledgement that failed or timed out) ends with the
 * consumer closed and a fresh one subscribed, within one lock period; the job whose lock was lost
 * is cancelled, since the broker will deliver it again.
 *
 * <p>Lifetime: {@link #run()} until {@link #close()} (from any thread, safe twice); the job under
 * way is then cancelled and released, so another worker takes it. Only the loop thread touches the
 * consumer, which is not thread-safe.
 */
public final class RenderWorker implements Runnable, AutoCloseable {
  /** What the loop is doing; see the class comment for the transitions. */
  public enum State {
    /** Idle: asking the queue for the next job. */
    POLLING,
    /** A job renders on the render thread. */
    RENDERING,
    /** Extending the rendering job's lock. */
    RENEWING,
    /** Telling the queue how the job ended. */
    ACKNOWLEDGING,
    /** Replacing a consumer whose state is in doubt. */
    RECONNECTING,
    /** Closed. */
    STOPPED
  }

  /**
   * A snapshot of the loop, for health checks, logs and tests.
   *
   * @param state what the loop does now
   * @param sinceNanos {@link System#nanoTime()} when it entered {@code state}
   * @param jobs jobs whose handler answered
   * @param renewals locks renewed
   * @param lostLocks renewals that failed, each cancelling its job
   * @param failedAcknowledgements acknowledgements the broker refused or never confirmed
   * @param reconnects consumers replaced
   * @param releasedUnstarted records a poll returned while a job was held, released at once
   */
  public record Status(
      State state,
      long sinceNanos,
      long jobs,
      long renewals,
      long lostLocks,
      long failedAcknowledgements,
      long reconnects,
      long releasedUnstarted) {}

  /** One move of the loop from one state to another, as the class comment lists them. */
  public record Transition(State from, State to) {}

  private static final System.Logger LOG = System.getLogger(RenderWorker.class.getName());

  /** Share groups fix at most this many records held by one idle consumer: one job. */
  private static final int RECORDS_PER_POLL = 1;

  private static final Duration IDLE_POLL = Duration.ofSeconds(1);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * The consumer leaves the group unless it polls within {@code max.poll.interval.ms} (5 min by
   * default).
   */
  private static final Duration MAX_RENEWAL_INTERVAL = Duration.ofMinutes(1);

  private static final Duration DEFAULT_LOCK = Duration.ofSeconds(30);
  private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(16);

  private final Supplier<ShareConsumer<String, byte[]>> consumers;
  private final JobHandler handler;
  private final Consumer<Transition> transitions;
  private final ExecutorService renderThread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "render"));
  private final AtomicLong jobs = new AtomicLong();
  private final AtomicLong renewals = new AtomicLong();
  private final AtomicLong lostLocks = new AtomicLong();
  private final AtomicLong failedAcknowledgements = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong releasedUnstarted = new AtomicLong();
  private ShareConsumer<String, byte[]> consumer;
  private Held held;
  private Duration reconnectDelay = Duration.ZERO;
  private volatile State state = State.POLLING;
  private volatile long stateSince = System.nanoTime();
  private volatile boolean running = true;
  private volatile CancelToken cancel;
  private boolean closed;

  /**
   * @param topics the model queues this worker serves
   * @param group the share group all workers of the farm join
   */
  public RenderWorker(
      String bootstrapServers, String group, Collection<String> topics, JobHandler handler) {
    this(() -> openConsumer(bootstrapServers, group, topics), handler, t -> {});
  }

  /**
   * @param consumers opens a share consumer subscribed to the job topics; called again to replace
   *     one in doubt
   * @param transitions told of every change of state, on the loop thread
   */
  RenderWorker(
      Supplier<ShareConsumer<String, byte[]>> consumers,
      JobHandler handler,
      Consumer<Transition> transitions) {
    this.consumers = consumers;
    this.handler = handler;
    this.transitions = transitions;
    this.consumer = consumers.get();
  }

  /**
   * A share consumer of {@code topics} as the loop needs it: explicit acknowledgement, one record
   * at a time.
   */
  static ShareConsumer<String, byte[]> openConsumer(
      String bootstrap, String group, Collection<String> topics) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    props.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, RECORDS_PER_POLL);
    KafkaShareConsumer<String, byte[]> consumer =
        new KafkaShareConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(topics);
    return consumer;
  }

  /** The job this worker holds: its record, its render, and when its lock runs out. */
  private static final class Held {
    ConsumerRecord<String, byte[]> record;
    final Future<AcknowledgeType> result;
    final CancelToken token;
    final Duration lock;

    /** {@link System#nanoTime()} by which the broker's lock has certainly not expired yet. */
    long lockedUntil;

    long renewAt;
    AcknowledgeType answer;

    Held(
        ConsumerRecord<String, byte[]> record,
        Future<AcknowledgeType> result,
        CancelToken token,
        Duration lock,
        long lockedSince) {
      this.record = record;
      this.result = result;
      this.token = token;
      this.lock = lock;
      locked(lockedSince);
    }

    /** The broker granted a full lock period no earlier than {@code since}. */
    void locked(long since) {
      lockedUntil = since + lock.toNanos();
      renewAt = since + Math.min(lock.toNanos() / 3, MAX_RENEWAL_INTERVAL.toNanos());
    }

    boolean is(ConsumerRecord<?, ?> other) {
      return record.offset() == other.offset()
          && record.partition() == other.partition()
          && record.topic().equals(other.topic());
    }

    String name() {
      return record.topic() + "-" + record.partition() + " offset " + record.offset();
    }
  }

  @Override
  public void run() {
    try {
      while (state != State.STOPPED) {
        State next =
            switch (state) {
              case POLLING -> poll();
              case RENDERING -> render();
              case RENEWING -> renew();
              case ACKNOWLEDGING -> acknowledge();
              case RECONNECTING -> reconnect();
              case STOPPED -> State.STOPPED;
            };
        enter(next);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "worker loop stopped: " + e, e);
      throw e;
    } finally {
      enter(State.STOPPED);
      if (held != null) {
        held.token.cancel();
      }
      try {
        consumer.close(CLOSE_TIMEOUT); // commits what is acknowledged, releases what is held
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "closing the share consumer failed; held locks expire instead: " + e.getMessage());
      }
      renderThread.shutdownNow();
    }
  }

  private void enter(State next) {
    if (next != state) {
      State from = state;
      state = next;
      stateSince = System.nanoTime();
      transitions.accept(new Transition(from, next));
    }
  }

  /** POLLING: waits briefly for one job and starts it. */
  private State poll() {
    if (!running) {
      return State.STOPPED;
    }
    long asked = System.nanoTime();
    List<ConsumerRecord<String, byte[]>> records;
    try {
      records = list(consumer.poll(IDLE_POLL));
    } catch (KafkaException | IllegalStateException e) {
      LOG.log(Level.WARNING, "polling for jobs failed; replacing the consumer: " + e.getMessage());
      return State.RECONNECTING;
    }
    reconnectDelay = Duration.ZERO;
    if (records.isEmpty()) {
      return State.POLLING;
    }
    ConsumerRecord<String, byte[]> record = records.get(0);
    releaseUnstarted(records.subList(1, records.size()));
    int delivery = record.deliveryCount().map(Short::intValue).orElse(1);
    CancelToken token = new CancelToken();
    cancel = token;
    byte[] payload = record.value();
    Future<AcknowledgeType> result =
        renderThread.submit(() -> handler.handle(payload, delivery, token));
    Duration lock =
        consumer.acquisitionLockTimeoutMs().map(Duration::ofMillis).orElse(DEFAULT_LOCK);
    // The fetch that acquired it may have been sent during the previous poll, so its lock started
    // before this one.
    held = new Held(record, result, token, lock, asked - IDLE_POLL.toNanos());
    if (!running) {
      token.cancel();
    }
    return State.RENDERING;
  }

  /** RENDERING: waits for the handler until the next renewal is due. */
  private State render() {
    long wait = Math.max(0, held.renewAt - System.nanoTime());
    try {
      held.answer = held.result.get(wait, TimeUnit.NANOSECONDS);
      return State.ACKNOWLEDGING;
    } catch (TimeoutException e) {
      return State.RENEWING;
    } catch (InterruptedException e) {
      // Taken as a request to stop: the render is cancelled and the loop winds down through its
      // states.
      close();
      return State.RENDERING;
    } catch (ExecutionException e) {
      LOG.log(Level.ERROR, "job handler failed: " + e.getCause(), e.getCause());
      held.answer = AcknowledgeType.RELEASE;
      return State.ACKNOWLEDGING;
    }
  }

  /**
   * RENEWING: extends the lock through a ShareAcknowledge request (no fetch), then takes the
   * renewed record back with a zero-timeout poll (no fetch either, since a record is renewing).
   */
  private State renew() {
    long sent = System.nanoTime();
    Duration left = Duration.ofNanos(held.lockedUntil - sent);
    Optional<String> failure;
    if (left.isNegative() || left.isZero()) {
      failure = Optional.of("the lock ran out before it could be renewed");
    } else {
      failure = acknowledge(held, AcknowledgeType.RENEW, left);
    }
    if (failure.isEmpty()) {
      failure = takeBackRenewed();
    }
    if (failure.isPresent()) {
      lostLocks.incrementAndGet();
      LOG.log(
          Level.WARNING,
          "lost the lock of job at "
              + held.name()
              + " ("
              + failure.get()
              + "); cancelling it, the queue delivers it again");
      held.token.cancel();
      awaitCancelled();
      held = null;
      cancel = null;
      return State.RECONNECTING;
    }
    renewals.incrementAndGet();
    held.locked(sent);
    if (!running) {
      held.token.cancel();
    }
    return State.RENDERING;
  }

  /**
   * After a confirmed renewal, the poll that returns the record again, so it can be acknowledged
   * once more.
   */
  private Optional<String> takeBackRenewed() {
    List<ConsumerRecord<String, byte[]>> records;
    try {
      records = list(consumer.poll(Duration.ZERO));
    } catch (KafkaException | IllegalStateException e) {
      return Optional.of("poll after renewal failed: " + e.getMessage());
    }
    ConsumerRecord<String, byte[]> renewed =
        records.stream().filter(held::is).findFirst().orElse(null);
    releaseUnstarted(records.stream().filter(r -> !held.is(r)).toList());
    if (renewed == null) {
      return Optional.of("the renewed record did not come back");
    }
    held.record = renewed;
    return Optional.empty();
  }

  /** ACKNOWLEDGING: tells the queue how the job ended and waits for the broker's word on it. */
  private State acknowledge() {
    cancel = null;
    Held job = held;
    held = null;
    jobs.incrementAndGet();
    // Past the lock the broker refuses it anyway; the second of grace covers a lock granted late.
    Duration left =
        Duration.ofNanos(
            Math.max(job.lockedUntil - System.nanoTime(), Duration.ofSeconds(1).toNanos()));
    Optional<String> failure = acknowledge(job, job.answer, left);
    if (failure.isEmpty()) {
      return running ? State.POLLING : State.STOPPED;
    }
    failedAcknowledgements.incrementAndGet();
    LOG.log(
        Level.WARNING,
        "acknowledging job at "
            + job.name()
            + " as "
            + job.answer
            + " failed ("
            + failure.get()
            + "); the queue may deliver it again");
    return State.RECONNECTING;
  }

  /**
   * Acknowledges the job's record as {@code type} and commits; empty when the broker confirmed it
   * in time.
   */
  private Optional<String> acknowledge(Held job, AcknowledgeType type, Duration timeout) {
    Map<TopicIdPartition, Optional<KafkaException>> results;
    try {
      consumer.acknowledge(job.record, type);
      results = consumer.commitSync(timeout);
    } catch (KafkaException | IllegalStateException e) {
      return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    ConsumerRecord<String, byte[]> record = job.record;
    return results.entrySet().stream()
        .filter(
            e ->
                e.getKey().topic().equals(record.topic())
                    && e.getKey().partition() == record.partition())
        .findFirst()
        .map(e -> e.getValue().map(Throwable::getMessage))
        .orElse(Optional.of("the broker did not answer for partition " + record.partition()));
  }

  /**
   * RECONNECTING: closes the consumer (releasing what it still holds) and subscribes a fresh one.
   */
  private State reconnect() {
    reconnects.incrementAndGet();
    try {
      consumer.close(CLOSE_TIMEOUT);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "closing the share consumer failed: " + e.getMessage());
    }
    if (!sleep(reconnectDelay)) {
      running = false;
    }
    reconnectDelay =
        reconnectDelay.isZero()
            ? Duration.ofMillis(500)
            : min(reconnectDelay.multipliedBy(2), MAX_RECONNECT_DELAY);
    consumer = consumers.get();
    LOG.log(Level.INFO, "share consumer replaced");
    return running ? State.POLLING : State.STOPPED;
  }

  /**
   * Records a poll returned that this worker did not ask for: handed back at once, not held
   * unrenewed.
   */
  private void releaseUnstarted(List<ConsumerRecord<String, byte[]>> records) {
    for (ConsumerRecord<String, byte[]> r : records) {
      releasedUnstarted.incrementAndGet();
      LOG.log(
          Level.WARNING,
          "releasing job at "
              + r.topic()
              + "-"
              + r.partition()
              + " offset "
              + r.offset()
              + " that a poll returned while another was held");
      consumer.acknowledge(r, AcknowledgeType.RELEASE);
    }
    if (!records.isEmpty()) {
      consumer
          .commitAsync(); // now, not with the next renewal: another worker can take them meanwhile
    }
  }

  /** Waits for a cancelled render to stop, so that the render thread is free for the next job. */
  private void awaitCancelled() {
    try {
      held.result.get(1, TimeUnit.MINUTES);
    } catch (TimeoutException e) {
      LOG.log(Level.ERROR, "a cancelled render did not stop within a minute");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } catch (ExecutionException e) {
      // It ended; how does not matter, its record is gone.
    }
  }

  private static List<ConsumerRecord<String, byte[]>> list(
      Iterable<ConsumerRecord<String, byte[]>> records) {
    List<ConsumerRecord<String, byte[]>> list = new java.util.ArrayList<>();
    records.forEach(list::add);
    return list;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** What the loop does now and what it has done so far. Thread-safe. */
  public Status status() {
    return new Status(
        state,
        stateSince,
        jobs.get(),
        renewals.get(),
        lostLocks.get(),
        failedAcknowledgements.get(),
        reconnects.get(),
        releasedUnstarted.get());
  }

  /**
   * Stops the loop from any thread: cancels the job under way (it is released for another worker);
   * {@link #run()} then acknowledges it, closes the consumer and returns within about a second.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    running = false;
    CancelToken token = cancel;
    if (token != null) {
      token.cancel();
    }
  }
}
