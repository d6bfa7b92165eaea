package dev.tessera.deploy.soak;

import dev.tessera.deploy.farm.AppProcess;
import dev.tessera.deploy.farm.LocalFarm;
import dev.tessera.deploy.stack.Database;
import java.io.IOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Injects faults into a running {@link LocalFarm}, one every interval, taking the listed faults in
 * turn, on a thread of its own. Every outage it makes it also ends (a stopped service is started
 * again, a stopped worker continued) before the next, and before {@link #close()} returns.
 *
 * <p>Lifetime: injecting from {@link #start} until {@link #close()}, which stops the thread, waits
 * for the fault under way to end, and is safe twice.
 */
public final class FaultInjector implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FaultInjector.class.getName());

  /** Tries to start a stopped service again, each within the service's own start-up limit. */
  private static final int RESTARTS = 3;

  /** How long a stopped service stays down. */
  private static final Duration OUTAGE = Duration.ofSeconds(3);

  /** How long a worker stays stopped: past the soak's lease, so its job is taken back. */
  private final Duration hang;

  private final LocalFarm farm;
  private final List<Fault> faults;
  private final Duration every;
  private final Random random;
  private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
  private final Thread thread;
  private volatile boolean stopping;
  private volatile IOException failure;

  private FaultInjector(
      LocalFarm farm, List<Fault> faults, Duration every, Duration hang, long seed) {
    this.farm = farm;
    this.faults = List.copyOf(faults);
    this.every = every;
    this.hang = hang;
    this.random = new Random(seed);
    this.thread = new Thread(this::run, "fault-injector");
  }

  /** Starts injecting {@code faults} in turn into {@code farm}, one every {@code every}. */
  public static FaultInjector start(
      LocalFarm farm, List<Fault> faults, Duration every, Duration hang, long seed) {
    FaultInjector injector = new FaultInjector(farm, faults, every, hang, seed);
    injector.thread.start();
    return injector;
  }

  /** How many of each fault were injected so far. */
  public synchronized Map<Fault, Integer> injected() {
    return new EnumMap<>(injected);
  }

  private void run() {
    try {
      for (int i = 0; !stopping; i++) {
        if (!pause(every)) {
          return;
        }
        Fault fault = faults.get(i % faults.size());
        inject(fault);
        synchronized (this) {
          injected.merge(fault, 1, Integer::sum);
        }
      }
    } catch (IOException e) {
      failure = e;
      LOG.log(System.Logger.Level.ERROR, "fault injection failed: " + e.getMessage(), e);
    }
  }

  private void inject(Fault fault) throws IOException {
    LOG.log(System.Logger.Level.INFO, "injecting " + fault.label());
    switch (fault) {
      case WORKER_KILL -> someWorker().kill();
      case WORKER_STOP -> {
        AppProcess worker = someWorker();
        worker.suspend();
        pause(hang);
        if (worker.isAlive()) {
          worker.resume();
        }
      }
      case BROKER -> restart("the Kafka broker", farm.stack().kafka()::restart);
      case DATABASE -> {
        Database database =
            farm.stack()
                .database()
                .orElseThrow(() -> new IOException("the farm uses a database it did not start"));
        database.stop();
        pause(OUTAGE);
        restart("PostgreSQL", database::restart);
      }
      case S3 -> {
        farm.stack().s3().stop();
        pause(OUTAGE);
        restart("the S3 server", farm.stack().s3()::restart);
      }
      case SCHEDULER -> {
        for (AppProcess scheduler : farm.schedulers()) {
          if (scheduler.isAlive()) {
            scheduler.kill();
            break;
          }
        }
        farm.addScheduler();
      }
      case GATEWAY -> farm.restartGateway(Map.of());
    }
  }

  /** A service's restart, which may fail. */
  @FunctionalInterface
  private interface Restart {
    void run() throws IOException;
  }

  /**
   * Starts a stopped service again, trying up to {@value #RESTARTS} times: on a machine busy enough
   * a server can miss its start-up limit, and the fault injected was the outage, not a farm left
   * without the service.
   */
  private static void restart(String service, Restart restart) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        restart.run();
        return;
      } catch (IOException e) {
        if (attempt == RESTARTS) {
          throw e;
        }
        LOG.log(
            System.Logger.Level.WARNING,
            service
                + " did not start again ("
                + e.getMessage().lines().findFirst().orElse("")
                + "); trying again");
      }
    }
  }

  private AppProcess someWorker() throws IOException {
    List<AppProcess> alive = farm.workers().stream().filter(AppProcess::isAlive).toList();
    if (alive.isEmpty()) {
      throw new IOException("no render worker is alive to inject a fault into");
    }
    return alive.get(random.nextInt(alive.size()));
  }

  /** Sleeps {@code time}; false when interrupted (the injector is closing). */
  private static boolean pause(Duration time) {
    try {
      Thread.sleep(time.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Stops injecting and waits (at most a minute) for the fault under way to end.
   *
   * @throws IOException when a fault could not be injected or ended
   */
  @Override
  public void close() throws IOException {
    stopping = true;
    try {
      thread.join(Duration.ofMinutes(1).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }
}
