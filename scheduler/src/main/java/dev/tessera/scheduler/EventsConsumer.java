package dev.tessera.scheduler;

import dev.tessera.common.JobEvent;
import dev.tessera.common.QueueSignal;
import dev.tessera.common.Topics;
import dev.tessera.common.WorkerHeartbeat;
import dev.tessera.common.kafka.KafkaAdmin;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the scheduler's consumer of {@code render.events}, {@code render.control} and {@code
 * render.workers} (classic group {@value #GROUP}) on its own thread, from startup to shutdown. All
 * the work is in {@link EventPoller}, {@link EventApplier}, {@link CancelRequestApplier} and {@link
 * WorkerRegistry}. After a poll that freed a slot in a queue (a job started or ended) or changed a
 * worker, it sends the {@link QueueSignal}, so the leading dispatcher (in this process or another)
 * fills the slot at once.
 */
@ApplicationScoped
public class EventsConsumer {
  static final String GROUP = "tessera-scheduler";
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration BACKOFF = Duration.ofSeconds(2);
  private static final Logger LOG = Logger.getLogger(EventsConsumer.class);

  private final EventApplier applier;
  private final CancelRequestApplier cancels;
  private final WorkerRegistry workers;
  private final DataSource dataSource;
  private final String bootstrapServers;
  private boolean changed;
  private volatile boolean running;
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;

  EventsConsumer(
      EventApplier applier,
      CancelRequestApplier cancels,
      WorkerRegistry workers,
      DataSource dataSource,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
    this.applier = applier;
    this.cancels = cancels;
    this.workers = workers;
    this.dataSource = dataSource;
    this.bootstrapServers = bootstrapServers;
  }

  void start(@Observes StartupEvent event) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Events written before this group first joined still have to be applied.
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A scheduler that dies leaves its partitions to the others after this (45 s by default), so
    // that jobs' progress keeps being recorded within seconds of a failover.
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
    consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    running = true;
    thread = new Thread(this::run, "render-events");
    thread.start();
    LOG.infof(
        "consuming %s, %s and %s from %s as group %s",
        Topics.EVENTS, Topics.CONTROL, Topics.WORKERS, bootstrapServers, GROUP);
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
      if (!createSharedTopics()) {
        return;
      }
      c.subscribe(List.of(Topics.EVENTS, Topics.CONTROL, Topics.WORKERS));
      EventPoller poller = new EventPoller(c, this::applyEvent, cancels::apply, this::heartbeat);
      while (running) {
        try {
          boolean complete = poller.pollOnce(POLL);
          signalIfChanged();
          if (!complete) {
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

  private EventApplier.Outcome applyEvent(JobEvent event) {
    EventApplier.Outcome outcome = applier.apply(event);
    // Progress frees no slot; every other applied event moved the job out of a queue or a worker.
    changed |= outcome == EventApplier.Outcome.APPLIED && !(event instanceof JobEvent.Progress);
    return outcome;
  }

  private EventApplier.Outcome heartbeat(WorkerHeartbeat heartbeat) {
    changed |= workers.record(heartbeat);
    return EventApplier.Outcome.APPLIED;
  }

  private void signalIfChanged() {
    if (!changed) {
      return;
    }
    changed = false;
    try (Connection c = dataSource.getConnection()) {
      QueueSignal.send(c, "");
    } catch (SQLException e) {
      // The dispatcher's next poll does the same, a little later.
      LOG.debugf("cannot signal the dispatcher: %s", e.getMessage());
    }
  }

  /**
   * Creates {@code render.control} and {@code render.workers} unless they exist, retrying while the
   * broker is unreachable.
   *
   * @return false when stopped first
   */
  private boolean createSharedTopics() {
    while (running) {
      try {
        KafkaAdmin.createSharedTopics(bootstrapServers);
        return true;
      } catch (IOException e) {
        LOG.warnf("cannot create the shared topics yet (%s); retrying", e.getMessage());
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
