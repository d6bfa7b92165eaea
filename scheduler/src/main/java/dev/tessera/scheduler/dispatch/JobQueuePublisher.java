package dev.tessera.scheduler.dispatch;

import dev.tessera.common.Json;
import dev.tessera.common.RenderJob;
import dev.tessera.common.RequestIds;
import dev.tessera.common.Topics;
import dev.tessera.common.kafka.KafkaAdmin;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends dispatched jobs to their models' queues and waits until the broker stored every one, so the
 * dispatcher commits a job's DISPATCHED state only for a record that exists. Creates a model's
 * queue the first time it sends to it (brokers may refuse to create topics on first use).
 *
 * <p>Lifetime: owns one producer, made on first use and closed (then made again) after a failed
 * send, so no state of a broken session carries over; {@link #close()} releases it and is safe
 * twice. One thread at a time.
 */
final class JobQueuePublisher implements AutoCloseable {
  /** How long one send waits for the broker, all records together. */
  static final Duration ACK_WAIT = Duration.ofSeconds(10);

  private final String bootstrapServers;
  private final Set<String> topicsMade = new HashSet<>();
  private Producer<String, byte[]> producer;

  JobQueuePublisher(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Sends every job to its model's queue, with its submitting request's id from {@code requestIds}
   * (when it has one) in a header, and waits for all acknowledgements.
   *
   * @throws IOException when a record was not stored within {@link #ACK_WAIT}, or its queue could
   *     not be made; some records may have been stored all the same
   */
  void publish(List<RenderJob> jobs, Map<UUID, String> requestIds)
      throws IOException, InterruptedException {
    if (jobs.isEmpty()) {
      return;
    }
    for (RenderJob job : jobs) {
      ensureTopic(Topics.jobs(job.model()));
    }
    if (producer == null) {
      producer = newProducer();
    }
    try {
      List<Future<RecordMetadata>> acks = new ArrayList<>(jobs.size());
      for (RenderJob job : jobs) {
        ProducerRecord<String, byte[]> record =
            new ProducerRecord<>(
                Topics.jobs(job.model()), job.jobId().toString(), Json.encode(job));
        RequestIds.addTo(record.headers(), requestIds.get(job.jobId()));
        acks.add(producer.send(record));
      }
      long deadline = System.nanoTime() + ACK_WAIT.toNanos();
      for (Future<RecordMetadata> ack : acks) {
        ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (ExecutionException e) {
      throw failed("a job was not stored in its queue: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw failed("no acknowledgement from the broker within " + ACK_WAIT.toMillis() + " ms", e);
    } catch (RuntimeException e) {
      throw failed("cannot send to the job queue: " + e, e);
    }
  }

  private void ensureTopic(String topic) throws IOException {
    if (topicsMade.add(topic)) {
      try {
        KafkaAdmin.createTopics(bootstrapServers, List.of(topic), Topics.JOB_PARTITIONS);
      } catch (IOException e) {
        topicsMade.remove(topic);
        throw e;
      }
    }
  }

  private Producer<String, byte[]> newProducer() {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "tessera-dispatcher");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    // Every wait bounded: a broker that is down fails the pass quickly, and the jobs stay QUEUED.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ACK_WAIT.toMillis());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  private IOException failed(String message, Throwable cause) {
    close();
    return new IOException(message, cause);
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ZERO);
      producer = null;
    }
  }
}
