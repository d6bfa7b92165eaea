package dev.tessera.render.worker;

import dev.tessera.common.RequestIds;
import dev.tessera.render.pipeline.CancelToken;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
import org.jboss.logging.MDC;

/**
 * The worker's queue loop over a Kafka share group: takes one job at a time (or, with batching, up
 * to {@code batchJobs} at once) from the {@code render.jobs.<model>} topics, accepts each record on
 * its own, and only once the broker confirmed that renders the jobs on a render thread.
 *
 * <h2>Batching</h2>
 *
 * <p>With {@code batchJobs} B above 1 a poll takes up to B records ({@code max.poll.records}), the
 * loop accepts each and hands the confirmed jobs to {@link JobHandler#handleBatch}, which renders
 * the compatible ones in one UNet batch and reports each job on its own. Since every record is
 * accepted before the render, no lock has to be renewed while the batch runs; the scheduler keeps
 * each job leased to this worker through the heartbeats, which name every job of the batch. A
 * record whose accept fails is not rendered (the others are), and the consumer is replaced after
 * the batch.
 *
 * <h2>States</h2>
 *
 * <p>Each turn of {@link #run()} runs the step of the current {@link State} and moves to the next
 * one:
 *
 * <pre>
 *   POLLING      --a poll returned a job-----------------------&gt; ACCEPTING
 *   POLLING      --the poll failed-----------------------------&gt; RECONNECTING
 *   ACCEPTING    --the broker confirmed the accept-------------&gt; RENDERING
 *   ACCEPTING    --refused, or unknown (timeout, error)--------&gt; RECONNECTING (not rendered)
 *   RENDERING    --the handler returned------------------------&gt; POLLING
 *   RECONNECTING --a fresh consumer is subscribed--------------&gt; POLLING
 *   any          --{@link #drain()} or {@link #close()}, once no job renders--&gt; STOPPED
 * </pre>
 *
 * <h2>Why a job is accepted before it renders</h2>
 *
 * <p>The scheduler owns a job's lease and its retries: it keeps the job in PostgreSQL, publishes a
 * record for one attempt at a time, follows the worker that runs it through its heartbeats and
 * events, and dispatches the job again (a new record, the next attempt) after a retryable failure
 * or when the worker went quiet. The record only carries the job to one worker, so the worker
 * accepts it at once: the record's lock never has to outlast the render, and nothing renews it. A
 * job is rendered only once the broker confirmed the accept; when it did not (the lock ran out, the
 * broker was unreachable) the broker may give the record to another worker, so this one leaves it
 * and replaces its consumer, whose state is then in doubt.
 *
 * <p>An earlier loop held the record for the whole render and renewed its lock, and in
 * kafka-clients 4.2 the poll after each renewal started fetches that acquired further jobs while
 * the worker was busy; they waited unseen in the client's fetch buffer until their locks lapsed,
 * and were delivered again and again (issue 17). This loop asks for records only while POLLING and
 * does not poll while it renders, so a busy worker fetches nothing and strands nothing: the next
 * jobs wait on the broker, where any idle worker takes them. Should a poll still return more than
 * one record, the others are released at once; and a record that reached the client late is refused
 * when accepted, if its lock lapsed meanwhile, so it is never rendered twice.
 *
 * <h2>Stopping</h2>
 *
 * <p>{@link #drain()} stops taking jobs and lets the job under way finish: a record a poll returns
 * from then on is released unstarted, and the loop stops once the render has ended. {@link
 * #close()} stops it sooner: the job under way is cancelled, and its handler reports it for the
 * scheduler to dispatch again. A drain that takes too long is ended by a close; {@link
 * #awaitStopped} waits for either.
 *
 * <p>Lifetime: {@link #run()} until {@link #drain()} or {@link #close()} (from any thread, each
 * safe twice). Only the loop thread touches the consumer, which is not thread-safe.
 */
public final class RenderWorker implements Runnable, AutoCloseable {
  /** What the loop is doing; see the class comment for the transitions. */
  public enum State {
    /** Idle: asking the queue for the next job. */
    POLLING,
    /** Accepting the job's record, before it renders. */
    ACCEPTING,
    /** A job renders on the render thread. */
    RENDERING,
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
   * @param jobs jobs whose handler returned
   * @param failedAcknowledgements accepts the broker refused or never confirmed (none was rendered)
   * @param reconnects consumers replaced
   * @param releasedUnstarted records a poll returned that the loop did not start, released at once
   */
  public record Status(
      State state,
      long sinceNanos,
      long jobs,
      long failedAcknowledgements,
      long reconnects,
      long releasedUnstarted) {}

  /** One move of the loop from one state to another, as the class comment lists them. */
  public record Transition(State from, State to) {}

  private static final System.Logger LOG = System.getLogger(RenderWorker.class.getName());

  private static final Duration IDLE_POLL = Duration.ofSeconds(1);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  /**
   * How long an accept may take: a healthy broker confirms within milliseconds, and past the record
   * lock (30 s by default) it refuses anyway.
   */
  private static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(16);

  private final Supplier<ShareConsumer<String, byte[]>> consumers;
  private final JobHandler handler;

  /** The most jobs one poll takes, all rendered together where compatible: 1 without batching. */
  private final int batchJobs;

  private final Consumer<Transition> transitions;
  private final ExecutorService renderThread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "render"));
  private final AtomicLong jobs = new AtomicLong();
  private final AtomicLong failedAcknowledgements = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicLong releasedUnstarted = new AtomicLong();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private ShareConsumer<String, byte[]> consumer;

  /** The records a poll returned, while ACCEPTING; then the records rendering. */
  private List<ConsumerRecord<String, byte[]>> taken = List.of();

  /** Whether an accept failed for some of the records taken: the consumer is replaced after. */
  private boolean reconnectAfterRender;

  private Future<List<JobHandler.Outcome>> rendering;
  private Duration reconnectDelay = Duration.ZERO;
  private volatile State state = State.POLLING;
  private volatile long stateSince = System.nanoTime();

  /** False once the loop is to take no more jobs (a drain or a close). */
  private volatile boolean running = true;

  /** True once the job under way is to be cancelled (a close). */
  private volatile boolean cancelling;

  /** The tokens of the jobs rendering, one per job. */
  private volatile List<CancelToken> cancels = List.of();

  private boolean closed;

  /**
   * @param topics the model queues this worker serves
   * @param group the share group all workers of the farm join
   */
  public RenderWorker(
      String bootstrapServers, String group, Collection<String> topics, JobHandler handler) {
    this(bootstrapServers, group, topics, handler, 1);
  }

  /**
   * @param batchJobs the most jobs one poll takes ({@code max.poll.records}); the handler renders
   *     the compatible ones among them in one batch ({@link JobHandler#handleBatch}); 1 takes one
   *     job at a time
   * @throws IllegalArgumentException when {@code batchJobs} is below 1
   */
  public RenderWorker(
      String bootstrapServers,
      String group,
      Collection<String> topics,
      JobHandler handler,
      int batchJobs) {
    this(
        () -> openConsumer(bootstrapServers, group, topics, batchJobs),
        handler,
        t -> {},
        batchJobs);
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
    this(consumers, handler, transitions, 1);
  }

  RenderWorker(
      Supplier<ShareConsumer<String, byte[]>> consumers,
      JobHandler handler,
      Consumer<Transition> transitions,
      int batchJobs) {
    if (batchJobs < 1) {
      throw new IllegalArgumentException("jobs per batch must be at least 1, got " + batchJobs);
    }
    this.consumers = consumers;
    this.handler = handler;
    this.transitions = transitions;
    this.batchJobs = batchJobs;
    this.consumer = consumers.get();
  }

  /**
   * A share consumer of {@code topics} as the loop needs it: explicit acknowledgement, at most
   * {@code records} per poll (one job, or one batch of jobs). It does not poll while a job renders,
   * however long, and holds nothing then: it stays in the group rather than leave it after {@code
   * max.poll.interval.ms} and join again.
   */
  static ShareConsumer<String, byte[]> openConsumer(
      String bootstrap, String group, Collection<String> topics, int records) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    props.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, records);
    props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Integer.MAX_VALUE);
    KafkaShareConsumer<String, byte[]> consumer =
        new KafkaShareConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(topics);
    return consumer;
  }

  @Override
  public void run() {
    try {
      while (state != State.STOPPED) {
        State next =
            switch (state) {
              case POLLING -> poll();
              case ACCEPTING -> accept();
              case RENDERING -> render();
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
      cancels.forEach(CancelToken::cancel);
      try {
        consumer.close(CLOSE_TIMEOUT); // commits what is acknowledged, releases what is held
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "closing the share consumer failed; held locks expire instead: " + e.getMessage());
      }
      renderThread.shutdownNow();
      stopped.countDown();
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

  /** POLLING: waits briefly for one job. */
  private State poll() {
    if (!running) {
      return State.STOPPED;
    }
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try {
      consumer.poll(IDLE_POLL).forEach(records::add);
    } catch (KafkaException | IllegalStateException e) {
      LOG.log(Level.WARNING, "polling for jobs failed; replacing the consumer: " + e.getMessage());
      return State.RECONNECTING;
    }
    reconnectDelay = Duration.ZERO;
    if (records.isEmpty()) {
      return State.POLLING;
    }
    if (!running) {
      releaseUnstarted(records); // the consumer's close commits the release
      return State.STOPPED;
    }
    int take = Math.min(batchJobs, records.size());
    taken = List.copyOf(records.subList(0, take));
    releaseUnstarted(records.subList(take, records.size()));
    return State.ACCEPTING;
  }

  /**
   * ACCEPTING: accepts the jobs' records, each on its own, and waits for the broker's word; starts
   * rendering only the jobs whose accept the broker confirmed.
   */
  private State accept() {
    Map<ConsumerRecord<String, byte[]>, Optional<String>> failures = commitAccept(taken);
    List<ConsumerRecord<String, byte[]>> confirmed = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : taken) {
      Optional<String> failure = failures.get(record);
      if (failure.isEmpty()) {
        confirmed.add(record);
        continue;
      }
      failedAcknowledgements.incrementAndGet();
      LOG.log(
          Level.WARNING,
          "accepting job at "
              + name(record)
              + " failed ("
              + failure.get()
              + "); not rendering it, the broker may give it to another worker");
    }
    taken = confirmed;
    if (confirmed.isEmpty()) {
      return State.RECONNECTING;
    }
    reconnectAfterRender = confirmed.size() < failures.size();
    List<CancelToken> tokens = new ArrayList<>();
    List<byte[]> payloads = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : confirmed) {
      tokens.add(new CancelToken());
      payloads.add(record.value());
    }
    cancels = List.copyOf(tokens);
    if (cancelling) {
      // Closed since the poll: the handler reports the accepted jobs at once, for another attempt.
      // A drain since the poll renders them: they are this worker's now.
      tokens.forEach(CancelToken::cancel);
    }
    // A lone job's lines, and the events it publishes, carry the submitting request's id; a batch's
    // jobs name theirs in the lines that end them.
    String requestId = confirmed.size() == 1 ? RequestIds.from(confirmed.get(0).headers()) : null;
    rendering =
        renderThread.submit(
            () -> {
              putRequestId(requestId);
              try {
                return batchJobs == 1
                    ? List.of(handler.handle(payloads.get(0), tokens.get(0)))
                    : handler.handleBatch(payloads, tokens);
              } finally {
                MDC.remove(RequestIds.LOG_KEY);
              }
            });
    return State.RENDERING;
  }

  /**
   * Acknowledges each of {@code records} as ACCEPT and commits once; per record, empty when the
   * broker confirmed its accept, else why not.
   */
  private Map<ConsumerRecord<String, byte[]>, Optional<String>> commitAccept(
      List<ConsumerRecord<String, byte[]>> records) {
    Map<ConsumerRecord<String, byte[]>, Optional<String>> outcome = new IdentityHashMap<>();
    Map<TopicIdPartition, Optional<KafkaException>> results;
    try {
      for (ConsumerRecord<String, byte[]> record : records) {
        consumer.acknowledge(record, AcknowledgeType.ACCEPT);
      }
      results = consumer.commitSync(ACCEPT_TIMEOUT);
    } catch (KafkaException | IllegalStateException e) {
      Optional<String> failure = Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
      records.forEach(r -> outcome.put(r, failure));
      return outcome;
    }
    for (ConsumerRecord<String, byte[]> record : records) {
      outcome.put(
          record,
          results.entrySet().stream()
              .filter(
                  e ->
                      e.getKey().topic().equals(record.topic())
                          && e.getKey().partition() == record.partition())
              .findFirst()
              .map(e -> e.getValue().map(Throwable::getMessage))
              .orElse(
                  Optional.of("the broker did not answer for partition " + record.partition())));
    }
    return outcome;
  }

  /** RENDERING: waits for the handler, however long the render takes. */
  private State render() {
    try {
      List<JobHandler.Outcome> outcomes = rendering.get();
      for (int i = 0; i < taken.size(); i++) {
        ConsumerRecord<String, byte[]> record = taken.get(i);
        putRequestId(RequestIds.from(record.headers()));
        try {
          LOG.log(
              Level.INFO,
              "job " + record.key() + " at " + name(record) + " ended: " + outcomes.get(i));
        } finally {
          MDC.remove(RequestIds.LOG_KEY);
        }
      }
    } catch (InterruptedException e) {
      // Taken as a request to stop: the render is cancelled and the loop winds down through its
      // states.
      close();
      return State.RENDERING;
    } catch (ExecutionException e) {
      LOG.log(
          Level.ERROR,
          "job handler failed on jobs at "
              + taken.stream().map(RenderWorker::name).toList()
              + ": "
              + e.getCause()
              + "; the scheduler takes the jobs back when their lease runs out",
          e.getCause());
    }
    jobs.addAndGet(taken.size());
    taken = List.of();
    rendering = null;
    cancels = List.of();
    if (!running) {
      return State.STOPPED;
    }
    if (reconnectAfterRender) {
      reconnectAfterRender = false;
      return State.RECONNECTING;
    }
    return State.POLLING;
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
   * Hands back records a poll returned that the loop will not start, so another worker takes them
   * now; the next commit (the accept, or the consumer's close) carries the release.
   */
  private void releaseUnstarted(List<ConsumerRecord<String, byte[]>> records) {
    for (ConsumerRecord<String, byte[]> r : records) {
      releasedUnstarted.incrementAndGet();
      LOG.log(Level.WARNING, "releasing job at " + name(r) + " unstarted");
      consumer.acknowledge(r, AcknowledgeType.RELEASE);
    }
  }

  private static void putRequestId(String requestId) {
    if (requestId != null) {
      MDC.put(RequestIds.LOG_KEY, requestId);
    }
  }

  private static String name(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + " offset " + record.offset();
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
        failedAcknowledgements.get(),
        reconnects.get(),
        releasedUnstarted.get());
  }

  /**
   * Stops taking jobs, from any thread, and lets the job under way finish: {@link #run()} returns
   * once it has ended (or at once when idle, within a poll) and the consumer is closed. Does not
   * wait; see {@link #awaitStopped}.
   */
  public void drain() {
    running = false;
  }

  /**
   * Waits until {@link #run()} has returned, after a {@link #drain()} or a {@link #close()}.
   *
   * @return whether it returned within {@code timeout}
   */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Stops the loop from any thread: cancels the job under way, which its handler then reports for
   * another attempt; {@link #run()} returns once the render stopped and the consumer is closed.
   * Ends a {@link #drain()} that takes too long.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    cancelling = true;
    running = false;
    cancels.forEach(CancelToken::cancel);
  }
}
