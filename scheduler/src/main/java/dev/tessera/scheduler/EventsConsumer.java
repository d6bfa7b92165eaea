package dev.tessera.scheduler;

import dev.tessera.common.Topics;
import dev.tessera.common.kafka.KafkaAdmin;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the scheduler's consumer of {@code render.events} and {@code render.control} (classic group
 * {@value #GROUP}) on its own thread, from startup to shutdown. All the work is in {@link
 * EventPoller}, {@link EventApplier} and {@link CancelRequestApplier}.
 */
@ApplicationScoped
public class EventsConsumer {
  static final String GROUP = "tessera-scheduler";
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration BACKOFF = Duration.ofSeconds(2);
  private static final Logger LOG = Logger.getLogger(EventsConsumer.class);

  private final EventApplier applier;
  private final CancelRequestApplier cancels;
  private final String bootstrapServers;
  private volatile boolean running;
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;

  EventsConsumer(
      EventApplier applier,
      CancelRequestApplier cancels,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    this.applier = applier;
    this.cancels = cancels;
    this.bootstrapServers = bootstrapServers;
  }

  void start(@Observes StartupEvent event) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Events written before this group first joined still have to be applied.
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    running = true;
    thread = new Thread(this::run, "render-events");
    thread.start();
    LOG.infof(
        "consuming %s and %s from %s as group %s",
        Topics.EVENTS, Topics.CONTROL, bootstrapServers, GROUP);
  }

  void stop(@Observes ShutdownEvent event) throws InterruptedException {
    if (thread == null) {
      return;
    }
    running = false;
    consumer.wakeup();
    thread.join(Duration.ofSeconds(30).toMillis());
  }

  private void run() {
    try (KafkaConsumer<byte[], byte[]> c = consumer) {
      // Before subscribing: a topic a broker made on first use would lack render.control's
      // settings.
      if (!createControlTopic()) {
        return;
      }
      c.subscribe(List.of(Topics.EVENTS, Topics.CONTROL));
      EventPoller poller = new EventPoller(c, applier::apply, cancels::apply);
      while (running) {
        try {
          if (!poller.pollOnce(POLL)) {
            Thread.sleep(BACKOFF.toMillis());
          }
        } catch (WakeupException e) {
          // stop() woke us; the loop condition ends it.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (RuntimeException e) {
          // A failed commit (rebalance) or broker trouble: the uncommitted records come again,
          // which is harmless.
          LOG.warn("render.events loop: " + e.getMessage(), e);
          sleepQuietly();
        }
      }
    }
  }

  /**
   * Creates {@code render.control} unless it exists, retrying while the broker is unreachable.
   *
   * @return false when stopped first
   */
  private boolean createControlTopic() {
    while (running) {
      try {
        KafkaAdmin.createControlTopic(bootstrapServers);
        return true;
      } catch (IOException e) {
        LOG.warnf("cannot create %s yet (%s); retrying", Topics.CONTROL, e.getMessage());
        sleepQuietly();
      }
    }
    return false;
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(BACKOFF.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }
}
