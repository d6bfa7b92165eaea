package dev.tessera.scheduler;

import dev.tessera.deploy.stack.Database;
import dev.tessera.teststack.TestStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real PostgreSQL for a {@code @QuarkusTest}: the app's datasource points at it, Flyway migrates
 * it at start.
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {
  private Database pg;
  private Path dir;

  @Override
  public Map<String, String> start() {
    try {
      dir = Files.createTempDirectory("tessera-scheduler-app-pg");
      pg = TestStack.services().startDatabase(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(
        "quarkus.datasource.jdbc.url", pg.jdbcUrl(),
        "quarkus.datasource.username", pg.user(),
        "quarkus.datasource.password", pg.password());
  }

  @Override
  public void stop() {
    TestDatabase.stop(pg, dir);
  }
}
