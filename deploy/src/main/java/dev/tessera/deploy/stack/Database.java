package dev.tessera.deploy.stack;

import java.io.IOException;

/**
 * A PostgreSQL database for the farm, whatever runs it ({@link PostgresService} here, a container
 * in the test stack's containers mode), so that code which only needs a JDBC URL does not care
 * which.
 *
 * <p>Lifetime: the server runs from its start until {@link #stop()} or {@link #close()}; {@link
 * #restart()} brings a stopped server back on the same address with the same data, so clients
 * configured before an outage reconnect. {@link #close()} is safe twice, and a closed database
 * cannot be restarted.
 */
public interface Database extends AutoCloseable {
  String jdbcUrl();

  String user();

  String password();

  /**
   * Shuts the server down (open connections are closed) and waits until it is gone; a no-op when it
   * is stopped already.
   */
  void stop() throws IOException;

  /** Stops the server if it runs, starts it again on the same address with the same data. */
  void restart() throws IOException;

  @Override
  void close() throws IOException;
}
