package dev.tessera.teststack;

import dev.tessera.deploy.stack.Database;
import dev.tessera.deploy.stack.FreePorts;
import dev.tessera.deploy.stack.PostgresService;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL in a container, with the database and user the embedded server has. Its host port is
 * fixed when it starts, since clients keep the JDBC URL across a {@link #restart()}, which stops
 * and starts the same container (its data survives).
 *
 * <p>Lifetime: the container runs from {@link #start} until {@link #stop()} or {@link #close()};
 * {@link #close()} removes it, is safe twice, and rules out a restart.
 */
final class ContainerDatabase implements Database {
  private static final String PASSWORD = "postgres";
  private static final int SERVER_PORT = 5432;
  private static final int STOP_GRACE_SECONDS = 30;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final PostgreSQLContainer container;
  private final int hostPort;
  private boolean stopped;
  private boolean closed;

  private ContainerDatabase(PostgreSQLContainer container, int hostPort) {
    this.container = container;
    this.hostPort = hostPort;
  }

  static ContainerDatabase start(String image) throws IOException {
    return FreePorts.retry("PostgreSQL container", () -> startOn(image, FreePorts.next()));
  }

  private static ContainerDatabase startOn(String image, int hostPort) throws IOException {
    PostgreSQLContainer container =
        new PostgreSQLContainer(DockerImageName.parse(image))
            .withDatabaseName(PostgresService.DATABASE)
            .withUsername(PostgresService.USER)
            .withPassword(PASSWORD);
    container.setPortBindings(List.of(hostPort + ":" + SERVER_PORT));
    ContainerStart.start(container, "PostgreSQL");
    return new ContainerDatabase(container, hostPort);
  }

  @Override
  public String jdbcUrl() {
    return "jdbc:postgresql://"
        + container.getHost()
        + ":"
        + hostPort
        + "/"
        + PostgresService.DATABASE;
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
  public synchronized void stop() {
    if (!stopped && !closed) {
      container
          .getDockerClient()
          .stopContainerCmd(container.getContainerId())
          .withTimeout(STOP_GRACE_SECONDS)
          .exec();
      stopped = true;
    }
  }

  @Override
  public synchronized void restart() throws IOException {
    if (closed) {
      throw new IllegalStateException(
          "the PostgreSQL container at " + jdbcUrl() + " is closed; start a new one");
    }
    stop();
    container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
    stopped = false;
    awaitConnection();
  }

  /** Waits until the restarted server takes connections, for at most {@link #READY_TIMEOUT}. */
  private void awaitConnection() throws IOException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      try (Connection c = DriverManager.getConnection(jdbcUrl(), user(), password())) {
        return;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "the PostgreSQL container at "
                  + jdbcUrl()
                  + " took no connection within "
                  + READY_TIMEOUT.toSeconds()
                  + " s of its restart: "
                  + e.getMessage(),
              e);
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for PostgreSQL at " + jdbcUrl(), e);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      container.stop();
    }
  }
}
