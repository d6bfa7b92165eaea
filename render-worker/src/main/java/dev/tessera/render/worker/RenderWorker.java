package dev.tessera.render.worker;

import dev.tessera.render.pipeline.CancelToken;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
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
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The worker's queue loop over a Kafka share group: takes one job at a time from the {@code render.jobs.<model>}
 * topics, runs it on a render thread, and acknowledges it explicitly when it ends.
 *
 * <p>While a job runs, the loop thread renews the job's acquisition lock every half lock period
 * ({@link AcknowledgeType#RENEW} then a poll), so a long render never loses its lock. Such a poll may hand the busy
 * worker another job; that job is kept (and renewed) as the next one instead of being released, because a release
 * would spend one of its deliveries. Only the loop thread touches the consumer, which is not thread-safe.
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
  private final Deque<ConsumerRecord<String, byte[]>> next = new ArrayDeque<>();
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

  @Override
  public void run() {
    try {
      while (running) {
        ConsumerRecord<String, byte[]> job = next.pollFirst();
        if (job == null) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
            next.addLast(r);
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
  private void run(ConsumerRecord<String, byte[]> job) {
    int delivery = job.deliveryCount().map(Short::intValue).orElse(1);
    CancelToken token = new CancelToken();
    cancel = token;
    Future<AcknowledgeType> result = renderThread.submit(() -> handler.handle(job.value(), delivery, token));
    AcknowledgeType ack = null;
    while (ack == null) {
      if (!running) {
        token.cancel();
      }
      try {
        ack = result.get(running ? renewalInterval().toMillis() : 60_000, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (running) {
          renew(job);
        } else {
          ack = AcknowledgeType.RELEASE;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      } catch (ExecutionException e) {
        LOG.log(Level.ERROR, "job handler failed: " + e.getCause(), e.getCause());
        ack = AcknowledgeType.RELEASE;
      }
    }
    cancel = null;
    consumer.acknowledge(job, ack);
    consumer.commitSync();
  }

  /**
   * Renews the lock of the job under way and of the held next jobs. A renewed record comes back from the poll that
   * follows; any other record that poll hands over is kept as a next job.
   */
  private void renew(ConsumerRecord<String, byte[]> job) {
    consumer.acknowledge(job, AcknowledgeType.RENEW);
    for (ConsumerRecord<String, byte[]> held : next) {
      consumer.acknowledge(held, AcknowledgeType.RENEW);
    }
    try {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ZERO)) {
        if (!sameRecord(r, job)) {
          next.removeIf(h -> sameRecord(h, r));
          next.addLast(r);
        }
      }
    } catch (WakeupException e) {
      // close() is stopping the worker; the job is cancelled on the next turn of the wait loop.
    }
  }

  private static boolean sameRecord(ConsumerRecord<?, ?> a, ConsumerRecord<?, ?> b) {
    return a.offset() == b.offset() && a.partition() == b.partition() && a.topic().equals(b.topic());
  }

  /** Half the broker's lock period, so one late renewal still leaves time. */
  private Duration renewalInterval() {
    return Duration.ofMillis(consumer.acquisitionLockTimeoutMs().orElse(30_000) / 2);
  }

  private void releaseHeldAndClose() {
    try {
      for (ConsumerRecord<String, byte[]> held : next) {
        consumer.acknowledge(held, AcknowledgeType.RELEASE);
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
