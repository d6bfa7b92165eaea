package dev.tessera.render.worker;

import dev.tessera.render.pipeline.CancelToken;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Collection;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The worker's queue loop over a Kafka share group: takes one job at a time from the {@code render.jobs.<model>}
 * topics, runs it on a render thread, and acknowledges it explicitly when it ends.
 *
 * <p>While a job runs, the loop thread renews the job's acquisition lock every half lock period
 * ({@link AcknowledgeType#RENEW}, then polls until the renewed record is back), so a long render never loses its
 * lock. While a renewal is pending the consumer fetches nothing new; should a poll still hand the busy worker another
 * job, that job is kept (and renewed) as the next one instead of being released, because a release would spend one
 * of its deliveries. Only the loop thread touches the consumer, which is not thread-safe.
 *
 * <p>Lifetime: {@link #run()} until {@link #close()} (from any thread, safe twice), which cancels the job under way
 * (it is released, so another worker takes it) and closes the consumer.
 */
public final class RenderWorker implements Runnable, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RenderWorker.class.getName());
  /** Share groups fix at most this many records held by one idle consumer: one job. */
  private static final int RECORDS_PER_POLL = 1;

  private final KafkaShareConsumer<String, byte[]> consumer;
  private final JobHandler handler;
  private final ExecutorService renderThread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "render"));
  /** Jobs this worker holds beyond the one under way (a poll may hand over more than asked). */
  private final Deque<Held> next = new ArrayDeque<>();
  private volatile boolean running = true;
  private volatile CancelToken cancel;
  private boolean closed;

  /**
   * @param topics the model queues this worker serves
   * @param group the share group all workers of the farm join
   */
  public RenderWorker(String bootstrapServers, String group, Collection<String> topics, JobHandler handler) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    props.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, RECORDS_PER_POLL);
    this.consumer = new KafkaShareConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.consumer.subscribe(topics);
    this.handler = handler;
  }

  /**
   * A record this worker holds. After a RENEW the consumer takes the record back until the broker confirms the
   * renewal; only once a poll has returned it again may it be acknowledged again.
   */
  private static final class Held {
    ConsumerRecord<String, byte[]> record;
    boolean inFlight = true;

    Held(ConsumerRecord<String, byte[]> record) {
      this.record = record;
    }

    boolean is(ConsumerRecord<?, ?> other) {
      return record.offset() == other.offset() && record.partition() == other.partition()
          && record.topic().equals(other.topic());
    }
  }

  @Override
  public void run() {
    try {
      while (running) {
        Held job = next.pollFirst();
        if (job == null) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
            next.addLast(new Held(r));
          }
          continue;
        }
        run(job);
      }
    } catch (WakeupException e) {
      // close() woke an idle poll up.
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "worker loop stopped: " + e.getMessage(), e);
    } finally {
      releaseHeldAndClose();
    }
  }

  /** Runs one job to its end, renewing the locks of what this worker holds meanwhile, then acknowledges it. */
  private void run(Held job) {
    int delivery = job.record.deliveryCount().map(Short::intValue).orElse(1);
    CancelToken token = new CancelToken();
    cancel = token;
    byte[] payload = job.record.value();
    Future<AcknowledgeType> result = renderThread.submit(() -> handler.handle(payload, delivery, token));
    long renewEvery = renewalInterval().toNanos();
    Duration slice = Duration.ofNanos(Math.min(renewEvery / 3, Duration.ofSeconds(1).toNanos()));
    long nextRenewal = System.nanoTime() + renewEvery;
    AcknowledgeType ack = null;
    long ackDeadline = Long.MAX_VALUE;
    while (true) {
      if (!running) {
        token.cancel();
      }
      if (ack == null) {
        ack = awaitResult(result, slice);
        if (ack != null) {
          ackDeadline = System.nanoTime() + 2 * renewEvery;
        }
      } else if (System.nanoTime() > ackDeadline) {
        // The renewal never came back (broker unreachable): the lock lapses and the job is delivered again, which
        // the idempotent upload and the scheduler's guarded updates absorb.
        LOG.log(Level.WARNING, "cannot acknowledge job at offset " + job.record.offset() + "; it will be redelivered");
        cancel = null;
        return;
      }
      if (ack != null && job.inFlight) {
        break;
      }
      // The consumer polls only when every record it handed out is acknowledged, a renewal counting as one.
      if (held(job).stream().anyMatch(h -> h.inFlight)) {
        if (ack == null && !(running && System.nanoTime() >= nextRenewal)) {
          continue;
        }
        renew(job);
        nextRenewal = System.nanoTime() + renewEvery;
      }
      collect(job);
    }
    cancel = null;
    consumer.acknowledge(job.record, ack);
    consumer.commitSync().forEach((partition, error) -> error.ifPresent(e -> LOG.log(Level.WARNING,
        "acknowledging job at " + partition + " offset " + job.record.offset() + " failed; it will be redelivered: "
            + e.getMessage())));
  }

  /** The handler's answer, or null when it is still working after {@code wait}. */
  private AcknowledgeType awaitResult(Future<AcknowledgeType> result, Duration wait) {
    try {
      return result.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return null;
    } catch (ExecutionException e) {
      LOG.log(Level.ERROR, "job handler failed: " + e.getCause(), e.getCause());
      return AcknowledgeType.RELEASE;
    }
  }

  /** Renews the lock of every held record the consumer has in flight. */
  private void renew(Held job) {
    for (Held held : held(job)) {
      if (held.inFlight) {
        consumer.acknowledge(held.record, AcknowledgeType.RENEW);
        held.inFlight = false;
      }
    }
  }

  /**
   * Polls briefly: renewed records come back in flight; a record this worker did not hold yet is kept as a next
   * job rather than released (a release would spend one of its deliveries).
   */
  private void collect(Held job) {
    ConsumerRecords<String, byte[]> records;
    try {
      records = consumer.poll(Duration.ofMillis(100));
    } catch (WakeupException e) {
      // close() is stopping the worker; the job is cancelled on the next turn of the wait loop.
      return;
    }
    for (ConsumerRecord<String, byte[]> r : records) {
      Held known = held(job).stream().filter(h -> h.is(r)).findFirst().orElse(null);
      if (known == null) {
        next.addLast(new Held(r));
      } else {
        known.record = r;
        known.inFlight = true;
      }
    }
  }

  private List<Held> held(Held job) {
    List<Held> all = new ArrayList<>(next);
    all.add(0, job);
    return all;
  }

  /** Half the broker's lock period, so one late renewal still leaves time. */
  private Duration renewalInterval() {
    return Duration.ofMillis(consumer.acquisitionLockTimeoutMs().orElse(30_000) / 2);
  }

  private void releaseHeldAndClose() {
    try {
      for (Held held : next) {
        if (held.inFlight) {
          consumer.acknowledge(held.record, AcknowledgeType.RELEASE);
        }
      }
      next.clear();
      consumer.commitSync(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not release held jobs; their locks expire instead: " + e.getMessage());
    } finally {
      consumer.close(Duration.ofSeconds(10));
      renderThread.shutdownNow();
    }
  }

  /**
   * Stops the loop from any thread: cancels the job under way (it is released for another worker) and wakes the
   * consumer; {@link #run()} then releases what it holds, closes the consumer and returns.
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
    consumer.wakeup();
  }
}
