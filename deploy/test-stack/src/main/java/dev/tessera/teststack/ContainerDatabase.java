package dev.tessera.teststack;

import dev.tessera.deploy.stack.Database;
import dev.tessera.deploy.stack.PostgresService;
import java.io.IOException;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL in a container, with the database and user the embedded server has. Lifetime: the
 * container runs from {@link #start} until {@link #close()}, which removes it and is safe twice.
 */
final class ContainerDatabase implements Database {
  private static final String PASSWORD = "postgres";

  private final PostgreSQLContainer container;
  private boolean closed;

  private ContainerDatabase(PostgreSQLContainer container) {
    this.container = container;
  }

  static ContainerDatabase start(String image) throws IOException {
    PostgreSQLContainer container =
        new PostgreSQLContainer(DockerImageName.parse(image))
            .withDatabaseName(PostgresService.DATABASE)
            .withUsername(PostgresService.USER)
            .withPassword(PASSWORD);
    ContainerStart.start(container, "PostgreSQL");
    return new ContainerDatabase(container);
  }

  @Override
  public String jdbcUrl() {
    return container.getJdbcUrl();
  }

  @Override
  public String user() {
    return container.getUsername();
  }

  @Override
  public String password() {
    return container.getPassword();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      container.stop();
    }
  }
}
