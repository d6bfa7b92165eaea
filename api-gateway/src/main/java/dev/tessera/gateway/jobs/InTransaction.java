package dev.tessera.gateway.jobs;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work a caller adds to a submission's transaction once the submission's result is known, e.g.
 * storing the answer under an idempotency key, so that it commits or rolls back with the jobs.
 */
@FunctionalInterface
public interface InTransaction<T> {
  /** Adds nothing. */
  static <T> InTransaction<T> none() {
    return (connection, result) -> {};
  }

  void run(Connection connection, T result) throws SQLException;
}
