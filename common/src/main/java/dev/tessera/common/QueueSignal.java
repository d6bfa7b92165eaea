package dev.tessera.common;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The PostgreSQL notification that tells the scheduler jobs are waiting: whoever queues a job sends
 * it in the same transaction, so it is delivered exactly when the job is committed, and the
 * scheduler (which {@code LISTEN}s on {@link #CHANNEL}) dispatches at once instead of at its next
 * poll. A lost notification (scheduler reconnecting) only costs that poll.
 */
public final class QueueSignal {
  /** The channel; the payload is the model whose queue grew. */
  public static final String CHANNEL = "tessera_jobs_queued";

  private QueueSignal() {}

  /**
   * Sends the notification for {@code model} on {@code connection}, inside its transaction; the
   * server folds repeats within one transaction into one.
   */
  public static void send(Connection connection, String model) throws SQLException {
    try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify.setQueryTimeout(10);
      notify.setString(1, CHANNEL);
      notify.setString(2, model);
      notify.execute();
    }
  }
}
