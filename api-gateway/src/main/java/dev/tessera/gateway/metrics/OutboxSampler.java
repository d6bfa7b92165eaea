package dev.tessera.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Samples the {@link OutboxGauges} every {@code tessera.metrics.interval} on a thread of its own. A
 * failed sample is logged once per outage and tried again at the next interval.
 *
 * <p>Lifetime: sampling runs from the application's start to its shutdown, which stops the thread
 * (waiting at most for one statement's timeout).
 */
@ApplicationScoped
public class OutboxSampler {
  private static final Logger LOG = Logger.getLogger(OutboxSampler.class);

  private final OutboxGauges gauges;
  private final Duration interval;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "outbox-gauges");
            t.setDaemon(true);
            return t;
          });
  private boolean failing;

  OutboxSampler(DataSource dataSource, MetricsConfig config, MeterRegistry registry) {
    this.interval = config.interval();
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "tessera.metrics.interval (TESSERA_METRICS_INTERVAL) must be positive, got " + interval);
    }
    this.gauges = new OutboxGauges(dataSource, registry);
  }

  void start(@Observes StartupEvent event) {
    executor.scheduleWithFixedDelay(this::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  void stop(@Observes ShutdownEvent event) throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(OutboxGauges.TIMEOUT_SECONDS + 1, TimeUnit.SECONDS);
  }

  private void sample() {
    try {
      gauges.sample();
      if (failing) {
        LOG.info("outbox gauges current again");
        failing = false;
      }
    } catch (SQLException | RuntimeException e) {
      if (!failing) {
        LOG.warn("outbox gauges keep their last values: " + e.getMessage());
        failing = true;
      }
    }
  }
}
