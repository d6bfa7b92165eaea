package dev.tessera.gateway.idempotency;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * This gateway's presence in PostgreSQL: a session advisory lock on a random key, held on a
 * connection of its own while the gateway runs. Any session sees in {@code pg_locks} whether the
 * gateway still runs, since the server drops the lock the moment the session ends (process killed,
 * connection lost). It names the gateway that claimed an idempotency key.
 *
 * <p>Lifetime: the connection (its own, not the pool's, which would hand the lock to others) is
 * opened by the first {@link #key()}, checked at most every {@link #CHECK_EVERY}, and replaced
 * (with a new key) once found gone; {@link #close()} unlocks and closes it. Thread-safe.
 */
public final class GatewayPresence implements AutoCloseable {
  /** How often the connection is checked; a claim made meanwhile may name a lock already gone. */
  static final Duration CHECK_EVERY = Duration.ofSeconds(5);

  private static final int TIMEOUT_SECONDS = 5;
  private static final Logger LOG = Logger.getLogger(GatewayPresence.class);

  /** Opens a connection of the presence's own, with its timeouts set. */
  public interface Connector {
    Connection connect() throws SQLException;
  }

  private final Connector connector;
  private final SecureRandom random = new SecureRandom();
  private Connection connection;
  private long key;
  private long checkedAt;
  private boolean closed;

  public GatewayPresence(Connector connector) {
    this.connector = connector;
  }

  /**
   * The key of the lock this gateway holds, or empty while it cannot hold one (the database is
   * unreachable): a claim then names no gateway and is taken over only after {@link
   * IdempotencyKeys#ABANDONED}.
   */
  public synchronized OptionalLong key() {
    if (closed) {
      throw new IllegalStateException("the gateway's presence is closed");
    }
    try {
      if (connection != null && System.nanoTime() - checkedAt > CHECK_EVERY.toNanos()) {
        if (!connection.isValid(TIMEOUT_SECONDS)) {
          LOG.warn("the gateway's presence session is gone; taking a new one");
          drop();
        } else {
          checkedAt = System.nanoTime();
        }
      }
      if (connection == null) {
        hold();
      }
      return OptionalLong.of(key);
    } catch (SQLException e) {
      LOG.warnf("cannot hold the gateway's presence lock (%s)", e.getMessage());
      drop();
      return OptionalLong.empty();
    }
  }

  /** Takes a lock on a fresh random key, positive so that {@code pg_locks} shows it as it is. */
  private void hold() throws SQLException {
    Connection c = connector.connect();
    try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      lock.setQueryTimeout(TIMEOUT_SECONDS);
      while (true) {
        long candidate = random.nextLong() & Long.MAX_VALUE;
        lock.setLong(1, candidate);
        try (ResultSet row = lock.executeQuery()) {
          if (row.next() && row.getBoolean(1)) {
            connection = c;
            key = candidate;
            checkedAt = System.nanoTime();
            return;
          }
        }
      }
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void drop() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debugf("closing the presence session: %s", e.getMessage());
      }
      connection = null;
    }
  }

  /**
   * Unlocks and ends the session: this gateway's open claims become free at once (unlocking first,
   * since the server ends a closed session a moment after the client returns).
   */
  @Override
  public synchronized void close() {
    closed = true;
    if (connection != null) {
      try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
        unlock.setQueryTimeout(TIMEOUT_SECONDS);
        unlock.setLong(1, key);
        unlock.execute();
      } catch (SQLException e) {
        LOG.debugf("unlocking the presence lock: %s", e.getMessage());
      }
    }
    drop();
  }
}
