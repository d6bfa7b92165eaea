package dev.tessera.gateway;

import dev.tessera.common.QueueSignal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens for the {@link QueueSignal} on a connection of its own, as the scheduler does, and hands
 * out the models the notifications name.
 */
public final class QueueListener implements AutoCloseable {
  private final Connection connection;
  private final PGConnection pg;

  public QueueListener(DataSource dataSource) throws SQLException {
    connection = dataSource.getConnection();
    connection.setAutoCommit(true);
    pg = connection.unwrap(PGConnection.class);
    try (Statement listen = connection.createStatement()) {
      listen.execute("LISTEN " + QueueSignal.CHANNEL);
    }
  }

  /** The models of the next {@code count} notifications; fails unless they come {@code within}. */
  public List<String> await(int count, Duration within) throws SQLException {
    List<String> models = new ArrayList<>();
    long deadline = System.nanoTime() + within.toNanos();
    while (models.size() < count) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new AssertionError(
            "expected " + count + " queue signals within " + within + ", got " + models);
      }
      collect(models, (int) left);
    }
    return models;
  }

  /** The models of every notification that comes {@code within}; waits all that time. */
  public List<String> during(Duration within) throws SQLException {
    List<String> models = new ArrayList<>();
    long deadline = System.nanoTime() + within.toNanos();
    for (long left = within.toMillis(); left > 0; ) {
      collect(models, (int) left);
      left = (deadline - System.nanoTime()) / 1_000_000;
    }
    return models;
  }

  private void collect(List<String> models, int waitMillis) throws SQLException {
    PGNotification[] notifications = pg.getNotifications(waitMillis);
    if (notifications != null) {
      for (PGNotification notification : notifications) {
        models.add(notification.getParameter());
      }
    }
  }

  @Override
  public void close() throws SQLException {
    try (Statement unlisten = connection.createStatement()) {
      // A pooled connection goes back to the pool: it must not go on collecting notifications.
      unlisten.execute("UNLISTEN *");
    } finally {
      connection.close();
    }
  }
}
