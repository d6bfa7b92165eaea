package dev.tessera.scheduler.dispatch;

import dev.tessera.scheduler.JobRepository;
import dev.tessera.scheduler.RetryRule;
import dev.tessera.scheduler.SchedulerSettings;
import dev.tessera.scheduler.WorkerRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The leader's thread, from startup to shutdown: while another scheduler leads, it tries to take
 * the {@link LeaderLock} every poll interval; while it leads, it waits for a queue signal (or the
 * poll interval), runs a {@link Dispatcher} pass, and every sweep interval a {@link LeaseSweeper}
 * sweep. Failures are logged and retried after a pause; none ends the thread.
 */
@ApplicationScoped
public class DispatchLoop {
  private static final Logger LOG = Logger.getLogger(DispatchLoop.class);
  private static final Duration BACKOFF = Duration.ofSeconds(2);
  private static final Duration FORGET_WORKERS = Duration.ofDays(1);

  private final Dispatcher dispatcher;
  private final LeaseSweeper sweeper;
  private final WorkerRegistry workers;
  private final LeaderLock lock;
  private final JobQueuePublisher queues;
  private final SchedulerSettings.Dispatch settings;
  private volatile boolean running;
  private volatile boolean leading;
  private Thread thread;

  DispatchLoop(
      DataSource dataSource,
      JobRepository jobs,
      WorkerRegistry workers,
      RetryRule retries,
      SchedulerSettings settings,
      @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
      @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
      @ConfigProperty(name = "quarkus.datasource.username") String user,
      @ConfigProperty(name = "quarkus.datasource.password") String password) {
    this.settings = settings.dispatch();
    this.workers = workers;
    this.queues = new JobQueuePublisher(bootstrapServers);
    Duration lease = settings.lease().timeout();
    this.dispatcher =
        new Dispatcher(
            dataSource,
            jobs,
            workers,
            queues,
            new Dispatcher.Bounds(this.settings.perWorker(), lease, this.settings.agingStep()));
    this.sweeper =
        new LeaseSweeper(
            jobs,
            retries,
            new LeaseSweeper.Leases(lease, this.settings.startTimeout()),
            Clock.systemUTC());
    this.lock = new LeaderLock(() -> connect(jdbcUrl, user, password));
  }

  private static Connection connect(String url, String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "10");
    // Longer than any wait for a signal; keepalives notice a server that vanished.
    p.setProperty("socketTimeout", "60");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("ApplicationName", "tessera-dispatcher");
    return DriverManager.getConnection(url, p);
  }

  /** Whether this scheduler leads (dispatches and sweeps) as of its latest pass. */
  public boolean leading() {
    return leading;
  }

  void start(@Observes StartupEvent event) {
    running = true;
    thread = new Thread(this::run, "dispatcher");
    thread.start();
  }

  void stop(@Observes ShutdownEvent event) throws InterruptedException {
    if (thread == null) {
      return;
    }
    running = false;
    thread.interrupt();
    thread.join(Duration.ofSeconds(30).toMillis());
    lock.close();
    queues.close();
  }

  private void run() {
    long nextSweep = System.nanoTime();
    boolean announced = false;
    while (running) {
      try {
        leading = lock.leading();
        if (!leading) {
          if (announced) {
            LOG.warn("no longer leading: another scheduler dispatches");
            announced = false;
          }
          if (!lock.tryLead()) {
            Thread.sleep(settings.pollInterval().toMillis());
            continue;
          }
          LOG.info("leading: this scheduler dispatches and sweeps");
          announced = true;
          leading = true;
        }
        if (!lock.awaitSignal(settings.pollInterval())) {
          continue;
        }
        Map<String, Integer> sent = dispatcher.pass(Clock.systemUTC().instant());
        if (!sent.isEmpty()) {
          LOG.debugf("dispatched %s", sent);
        }
        if (System.nanoTime() - nextSweep >= 0) {
          int moved = sweeper.sweep();
          int forgotten = workers.forget(FORGET_WORKERS);
          if (moved > 0 || forgotten > 0) {
            LOG.infof("sweep: %d jobs taken back, %d old workers forgotten", moved, forgotten);
          }
          nextSweep = System.nanoTime() + settings.sweepInterval().toNanos();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        LOG.warn("dispatch pass failed, retrying: " + e.getMessage());
        if (!pause()) {
          return;
        }
      }
    }
  }

  private boolean pause() {
    try {
      Thread.sleep(BACKOFF.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
