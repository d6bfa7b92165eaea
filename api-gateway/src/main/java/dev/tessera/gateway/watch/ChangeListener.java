package dev.tessera.gateway.watch;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The gateway's one {@code LISTEN} connection: hands every job change the database announces on
 * {@link JobChange#CHANNEL} to the {@link ChangeHub}, so that however many clients wait, the
 * gateway holds one connection for them and queries only when something they wait for changed; and
 * tells its tenant watchers when keys or tenants changed ({@link #TENANTS_CHANNEL}).
 *
 * <p>A connection that fails or falls silent (checked after {@link #CHECK_AFTER} without
 * notifications) is dropped and opened again after a backoff doubling from {@link #FIRST_RETRY} to
 * {@code maxBackoff}; notifications sent meanwhile are lost, so once listening again it tells every
 * watcher to look for itself ({@link ChangeHub#resync}) and tells the tenant watchers. While it is
 * away, waiting requests answer at their timeouts and the caches are bypassed.
 *
 * <p>Lifetime: owns a thread, started by {@link #start()}, and while connected one connection,
 * opened by the {@link Connector} (which sets its connect and socket timeouts); {@link #close()}
 * stops the thread (within a poll, {@link #POLL}, or a connection attempt) and closes the
 * connection; safe twice.
 */
public final class ChangeListener implements AutoCloseable {
  /** The PostgreSQL channel migration V10's triggers notify on when keys or tenants change. */
  public static final String TENANTS_CHANNEL = "tessera_tenants_changed";

  /** Longest wait for notifications before the thread looks whether it should stop. */
  static final Duration POLL = Duration.ofMillis(500);

  /** Silence after which the connection is checked. */
  static final Duration CHECK_AFTER = Duration.ofSeconds(10);

  static final Duration FIRST_RETRY = Duration.ofMillis(250);

  private static final Logger LOG = Logger.getLogger(ChangeListener.class);

  /** Opens a new connection with its timeouts set. */
  public interface Connector {
    Connection connect() throws SQLException;
  }

  private final Connector connector;
  private final ChangeHub hub;
  private final List<Runnable> tenantWatchers = new CopyOnWriteArrayList<>();
  private final Duration maxBackoff;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean listening;

  public ChangeListener(Connector connector, ChangeHub hub, Duration maxBackoff) {
    if (maxBackoff.compareTo(FIRST_RETRY) < 0) {
      throw new IllegalArgumentException("max backoff must be at least " + FIRST_RETRY);
    }
    this.connector = connector;
    this.hub = hub;
    this.maxBackoff = maxBackoff;
    this.thread = new Thread(this::run, "job-change-listener");
    thread.setDaemon(true);
  }

  /**
   * Has {@code watcher} told, on the listener's thread, whenever any key or tenant may have changed
   * (and when listening starts again after a failure); it must return at once.
   */
  public void onTenantsChanged(Runnable watcher) {
    tenantWatchers.add(watcher);
  }

  public void start() {
    thread.start();
  }

  /** Whether notifications reach the hub now. */
  public boolean listening() {
    return listening;
  }

  private void run() {
    Duration backoff = FIRST_RETRY;
    int failures = 0;
    while (stopping.getCount() > 0) {
      try (Connection connection = connector.connect()) {
        listen(connection);
        if (failures > 0) {
          LOG.infof("listening for job changes again after %d failed attempts", failures);
        }
        backoff = FIRST_RETRY;
        failures = 0;
        relay(connection);
      } catch (SQLException | RuntimeException e) {
        listening = false;
        failures++;
        LOG.warnf(
            "job change listener: %s; waiting requests answer at their timeouts; retry %d in %d ms",
            e.getMessage(), failures, backoff.toMillis());
        try {
          stopping.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff =
            backoff.multipliedBy(2).compareTo(maxBackoff) > 0
                ? maxBackoff
                : backoff.multipliedBy(2);
      }
    }
    listening = false;
  }

  private void listen(Connection connection) throws SQLException {
    connection.setAutoCommit(true);
    try (Statement listen = connection.createStatement()) {
      listen.setQueryTimeout(10);
      listen.execute("LISTEN " + JobChange.CHANNEL + "; LISTEN " + TENANTS_CHANNEL);
    }
    // Whatever changed while nobody listened was not announced to us; what is kept goes before the
    // caches trust the announcements again.
    hub.resync();
    tenantWatchers.forEach(Runnable::run);
    listening = true;
  }

  /** Hands notifications to the hub until stopped or the connection fails. */
  private void relay(Connection connection) throws SQLException {
    PGConnection pg = connection.unwrap(PGConnection.class);
    long lastHeard = System.nanoTime();
    while (stopping.getCount() > 0) {
      PGNotification[] notifications = pg.getNotifications((int) POLL.toMillis());
      if (notifications != null && notifications.length > 0) {
        lastHeard = System.nanoTime();
        for (PGNotification notification : notifications) {
          if (notification.getName().equals(TENANTS_CHANNEL)) {
            tenantWatchers.forEach(Runnable::run);
            continue;
          }
          JobChange.parse(notification.getParameter())
              .ifPresentOrElse(
                  hub::changed,
                  () ->
                      LOG.warnf("ignored a malformed job change: %s", notification.getParameter()));
        }
      } else if (System.nanoTime() - lastHeard > CHECK_AFTER.toNanos()) {
        if (!connection.isValid(5)) {
          throw new SQLException("the listening connection stopped answering");
        }
        lastHeard = System.nanoTime();
      }
    }
  }

  /** Stops listening and closes the connection; safe twice. */
  @Override
  public void close() {
    stopping.countDown();
    try {
      // A poll ends within POLL; a connection attempt within its connect timeout.
      thread.join(Duration.ofSeconds(15).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("the job change listener did not stop within 15 s");
    }
  }
}
