package dev.tessera.render.worker;

import dev.tessera.common.Json;
import dev.tessera.common.Topics;
import dev.tessera.common.WorkerHeartbeat;
import dev.tessera.common.WorkerHeartbeat.Activity;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Announces this worker on {@link Topics#WORKERS}, keyed by its id: IDLE when it starts, its
 * current activity every interval, at once when it takes a job (BUSY, naming the job, or every job
 * of a batch) and when it is done with it (IDLE), and STOPPED when it closes. Once {@link
 * #draining()}, every beat says DRAINING instead, naming the job while one is under way. The
 * scheduler holds a job's lease through these: it takes back the job of a worker whose heartbeats
 * stop, and counts each model's capacity from the live workers that take jobs (not the draining
 * ones).
 *
 * <p>Sending never holds up a render: every beat is sent from the publisher's own thread, through a
 * producer that gives up within seconds, so a broker outage costs beats, not a stalled worker. A
 * failing send is logged once per outage, not once per beat.
 *
 * <p>Lifetime: {@link #start()} once, then {@link #close()} (from any thread, safe twice), which
 * sends STOPPED (when started), waits a few seconds for it and closes the producer. Thread-safe.
 */
public final class HeartbeatPublisher implements JobRunner.Activity, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HeartbeatPublisher.class.getName());
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final Producer<String, byte[]> producer;
  private final String workerId;
  private final List<String> models;
  private final Duration interval;
  private final Clock clock;
  private final ScheduledExecutorService sender =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "heartbeats");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean failing = new AtomicBoolean();

  /** The jobs under way (more than one in a batch), or empty while idle. */
  private volatile List<UUID> jobs = List.of();

  /** Whether the worker takes no more jobs and only finishes the one under way. */
  private volatile boolean draining;

  private boolean started;
  private boolean closed;

  /**
   * @param models the models the worker renders, i.e. the queues it consumes
   * @param interval between beats while nothing changes
   */
  public HeartbeatPublisher(
      String bootstrapServers,
      String workerId,
      Collection<String> models,
      Duration interval,
      Clock clock) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("heartbeat interval must be positive, got " + interval);
    }
    this.workerId = workerId;
    this.models = List.copyOf(models);
    this.interval = interval;
    this.clock = clock;
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /** Sends IDLE now, then the current activity every interval. */
  public synchronized void start() {
    if (started || closed) {
      throw new IllegalStateException("heartbeats already started, or closed");
    }
    started = true;
    sender.scheduleWithFixedDelay(
        () -> send(current()), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void busy(List<UUID> jobIds) {
    jobs = List.copyOf(jobIds);
    sendNow(current());
  }

  @Override
  public void idle() {
    jobs = List.of();
    sendNow(current());
  }

  /**
   * From now on every beat says DRAINING (with the job under way, if any): the scheduler keeps that
   * job leased to this worker and counts it no more as capacity. Sends one at once.
   */
  public void draining() {
    draining = true;
    sendNow(current());
  }

  private WorkerHeartbeat current() {
    List<UUID> now = jobs;
    UUID first = now.isEmpty() ? null : now.get(0);
    Activity activity =
        draining ? Activity.DRAINING : first == null ? Activity.IDLE : Activity.BUSY;
    return new WorkerHeartbeat(workerId, models, activity, first, clock.instant(), now);
  }

  /** Queues {@code beat} behind those before it; after {@link #close()}, STOPPED stays the last. */
  private synchronized void sendNow(WorkerHeartbeat beat) {
    if (!closed) {
      sender.execute(() -> send(beat));
    }
  }

  /** On the sender thread; never throws, which would end the periodic beats. */
  private void send(WorkerHeartbeat beat) {
    try {
      producer.send(
          new ProducerRecord<>(Topics.WORKERS, workerId, Json.encode(beat)),
          (metadata, e) -> sent(e));
    } catch (RuntimeException e) {
      sent(e);
    }
  }

  private void sent(Exception failure) {
    if (failure == null) {
      if (failing.compareAndSet(true, false)) {
        LOG.log(Level.INFO, "heartbeats reach " + Topics.WORKERS + " again");
      }
    } else if (failing.compareAndSet(false, true)) {
      LOG.log(
          Level.WARNING,
          "heartbeats to "
              + Topics.WORKERS
              + " fail ("
              + failure
              + "); still trying every "
              + interval.toMillis()
              + " ms. Without them the scheduler takes this worker's job back when its lease"
              + " runs out");
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (started) {
        WorkerHeartbeat stopped =
            new WorkerHeartbeat(workerId, models, Activity.STOPPED, null, clock.instant());
        sender.execute(() -> send(stopped));
      }
      sender.shutdown(); // cancels the periodic beat; the STOPPED one still runs
    }
    try {
      if (!sender.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        sender.shutdownNow(); // no broker to take them: the beats still queued are dropped
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sender.shutdownNow();
    }
    producer.close(CLOSE_TIMEOUT);
  }
}
