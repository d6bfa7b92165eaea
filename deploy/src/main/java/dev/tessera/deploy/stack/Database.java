package dev.tessera.deploy.stack;

import java.io.IOException;

/**
 * A PostgreSQL database for the farm, whatever runs it ({@link PostgresService} here, a container
 * in the test stack's containers mode), so that code which only needs a JDBC URL does not care
 * which.
 *
 * <p>Lifetime: the server runs until {@link #close()}, which stops it and is safe twice.
 */
public interface Database extends AutoCloseable {
  String jdbcUrl();

  String user();

  String password();

  @Override
  void close() throws IOException;
}
