package dev.tessera.scheduler.dispatch;

import dev.tessera.common.QueueSignal;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Which scheduler leads: the one holding PostgreSQL's session advisory lock {@value #KEY} on a
 * connection of its own. The server releases the lock the moment that session ends (process killed,
 * connection lost), so a standby that tries every poll takes over within one poll of the leader's
 * death. The leader also {@code LISTEN}s on {@link QueueSignal#CHANNEL} on the same connection, to
 * dispatch as soon as jobs are queued.
 *
 * <p>Lifetime: owns at most one connection, opened by {@link #tryLead()} and kept while leading; a
 * failure on it ends the leadership and closes it; {@link #close()} unlocks, then closes it (the
 * server ends a closed session a moment after the client returns, so unlocking first lets a standby
 * take over at once), and is safe twice. One thread at a time.
 */
final class LeaderLock implements AutoCloseable {
  /** The advisory lock's key: "tessera" in ASCII. */
  static final long KEY = 0x74657373657261L;

  private static final System.Logger LOG = System.getLogger(LeaderLock.class.getName());

  /** Opens a new connection, with its own timeouts set. */
  interface Connector {
    Connection connect() throws SQLException;
  }

  private final Connector connector;
  private Connection connection;
  private boolean leading;

  LeaderLock(Connector connector) {
    this.connector = connector;
  }

  /** Whether this scheduler holds the lock, as far as it knows. */
  boolean leading() {
    return leading;
  }

  /**
   * Takes the lock unless another session holds it.
   *
   * @return whether this scheduler leads now
   */
  boolean tryLead() {
    if (leading) {
      return true;
    }
    try {
      if (connection == null) {
        connection = connector.connect();
      }
      try (PreparedStatement s = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        s.setQueryTimeout(10);
        s.setLong(1, KEY);
        try (ResultSet rs = s.executeQuery()) {
          leading = rs.next() && rs.getBoolean(1);
        }
      }
      if (leading) {
        try (Statement listen = connection.createStatement()) {
          listen.setQueryTimeout(10);
          listen.execute("LISTEN " + QueueSignal.CHANNEL);
        }
      }
      return leading;
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "cannot try the scheduler lock: " + e.getMessage());
      drop();
      return false;
    }
  }

  /**
   * Waits up to {@code timeout} for a queue signal; returns early when one comes.
   *
   * @return false when the connection failed: the lock is lost, and this scheduler no longer leads
   */
  boolean awaitSignal(Duration timeout) {
    try {
      PGNotification[] signals =
          connection
              .unwrap(PGConnection.class)
              .getNotifications((int) Math.max(1, timeout.toMillis()));
      if (signals == null && !connection.isValid(5)) {
        throw new SQLException("the connection holding the lock is gone");
      }
      return true;
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "lost the scheduler lock: " + e.getMessage());
      drop();
      return false;
    }
  }

  private void drop() {
    leading = false;
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.log(Level.DEBUG, "closing the lock's connection: " + e.getMessage());
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    if (leading) {
      try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
        unlock.setQueryTimeout(5);
        unlock.setLong(1, KEY);
        unlock.execute();
      } catch (SQLException e) {
        // The session's end releases it anyway, a moment later.
        LOG.log(Level.DEBUG, "unlocking the scheduler lock: " + e.getMessage());
      }
    }
    drop();
  }
}
