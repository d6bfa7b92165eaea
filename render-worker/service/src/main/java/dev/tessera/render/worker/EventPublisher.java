package dev.tessera.render.worker;

import dev.tessera.common.JobEvent;
import dev.tessera.common.Json;
import dev.tessera.common.RequestIds;
import dev.tessera.common.Topics;
import java.io.IOException;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.MDC;

/**
 * Publishes job lifecycle events to {@code render.events}, keyed by job id so one job's events stay
 * in order. Lifetime: owns a Kafka producer until {@link #close()} (safe twice). Thread-safe.
 */
public final class EventPublisher implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private volatile boolean closed;

  public EventPublisher(String bootstrapServers) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
  }

  /** Sends and waits for the broker's acknowledgement: for events the scheduler must not miss. */
  public void publish(JobEvent event) throws IOException {
    try {
      producer.send(record(event)).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while publishing " + event.getClass().getSimpleName(), e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "cannot publish "
              + event.getClass().getSimpleName()
              + " of job "
              + event.jobId()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Sends without waiting: for progress, where a lost event only delays what a client sees. */
  public void publishLater(JobEvent event) {
    producer.send(record(event));
  }

  private ProducerRecord<String, byte[]> record(JobEvent event) {
    if (closed) {
      throw new IllegalStateException(
          "event publisher is closed; cannot send " + event.getClass().getSimpleName());
    }
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(Topics.EVENTS, event.jobId().toString(), Json.encode(event));
    // The job's submitting request, which the render thread keeps in its log context.
    Object requestId = MDC.get(RequestIds.LOG_KEY);
    RequestIds.addTo(record.headers(), requestId == null ? null : requestId.toString());
    return record;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      producer.close(java.time.Duration.ofSeconds(10));
    }
  }
}
