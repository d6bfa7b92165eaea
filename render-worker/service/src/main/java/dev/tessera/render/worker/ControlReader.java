package dev.tessera.render.worker;

import dev.tessera.common.ControlMessage;
import dev.tessera.common.Json;
import dev.tessera.common.Topics;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code render.control} into {@link CancelledJobs} on a thread of its own, so that the job
 * under way stops as soon as its cancel is published, and a job cancelled while queued is never
 * rendered. The worker hears of cancellations through Kafka alone: it holds no database
 * credentials.
 *
 * <p>Every worker reads every partition itself (no consumer group, nothing committed), from the
 * beginning of the topic, which keeps the cancellations of its retention window ({@link
 * Topics#CONTROL_RETENTION}); {@link #awaitCaughtUp} tells when everything published before the
 * start has been read, so that the worker takes no job before it knows which are cancelled.
 *
 * <p>Lifetime: {@link #start()} once, then {@link #close()} (from any thread, safe twice), which
 * stops the thread and closes its consumer. Only the reader's thread touches the consumer.
 */
public final class ControlReader implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ControlReader.class.getName());
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration BACKOFF = Duration.ofSeconds(2);

  private final KafkaConsumer<String, byte[]> consumer;
  private final CancelledJobs cancelled;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean running = true;
  private boolean closed;

  public ControlReader(String bootstrapServers, CancelledJobs cancelled) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Records the retention removed while this reader was behind: go on from the oldest left.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.cancelled = cancelled;
    this.thread = new Thread(this::run, "control-reader");
    thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /**
   * Waits until every record the topic held when the reader started has been read.
   *
   * @return false when {@code timeout} passed first
   */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void run() {
    try {
      Map<TopicPartition, Long> end = assignFromBeginning();
      while (running) {
        try {
          // Checked before each poll, so that an empty topic is caught up at once.
          if (caughtUp.getCount() > 0
              && end.entrySet().stream()
                  .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
            LOG.log(
                Level.INFO,
                "read {0} up to {1}: {2} cancelled jobs known",
                Topics.CONTROL,
                end,
                cancelled.size());
            caughtUp.countDown();
          }
          for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
            read(record);
          }
        } catch (WakeupException e) {
          throw e;
        } catch (KafkaException e) {
          LOG.log(Level.WARNING, "reading " + Topics.CONTROL + " failed; retrying: " + e);
          sleep(BACKOFF);
        }
      }
    } catch (WakeupException e) {
      // close() woke the consumer: the loop ends.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Assigns every partition of the topic from its beginning, retrying until the topic exists (or
   * {@link #close()} wakes the consumer), and returns the end offsets of that moment.
   */
  private Map<TopicPartition, Long> assignFromBeginning() throws InterruptedException {
    while (true) {
      try {
        List<PartitionInfo> infos = consumer.partitionsFor(Topics.CONTROL, METADATA_TIMEOUT);
        if (infos != null && !infos.isEmpty()) {
          List<TopicPartition> partitions =
              infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
          consumer.assign(partitions);
          consumer.seekToBeginning(partitions);
          return consumer.endOffsets(partitions, METADATA_TIMEOUT);
        }
        LOG.log(Level.WARNING, "{0} does not exist yet; retrying", Topics.CONTROL);
      } catch (WakeupException e) {
        throw e;
      } catch (KafkaException e) {
        LOG.log(Level.WARNING, "cannot read the partitions of " + Topics.CONTROL + ": " + e);
      }
      sleep(BACKOFF);
    }
  }

  private void read(ConsumerRecord<String, byte[]> record) {
    ControlMessage message;
    try {
      message = Json.decode(record.value(), ControlMessage.class);
    } catch (Json.MalformedException e) {
      // Another kind of request, from a newer gateway, or garbage: neither concerns this worker.
      LOG.log(
          Level.WARNING,
          "skipping {0}-{1} offset {2}: {3}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return;
    }
    if (message instanceof ControlMessage.Cancel cancel) {
      cancelled.add(cancel.jobId());
    }
  }

  private void sleep(Duration duration) throws InterruptedException {
    if (running) {
      Thread.sleep(duration.toMillis());
    }
  }

  /** Stops reading; returns once the thread ended (at most a few seconds). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    running = false;
    consumer.wakeup();
    if (thread.isAlive()) {
      try {
        thread.join(Duration.ofSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else if (thread.getState() == Thread.State.NEW) {
      consumer.close(Duration.ZERO);
    }
  }
}
