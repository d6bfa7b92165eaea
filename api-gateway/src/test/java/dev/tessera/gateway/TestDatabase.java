package dev.tessera.gateway;

import dev.tessera.deploy.stack.BackingServices;
import dev.tessera.deploy.stack.Database;
import dev.tessera.teststack.TestStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One real PostgreSQL with the farm's schema (common's Flyway migrations) for the plain,
 * framework-free tests of this module; started on first use and stopped when the test JVM exits.
 */
public final class TestDatabase {
  private static DataSource dataSource;

  private TestDatabase() {}

  public static synchronized DataSource dataSource() {
    if (dataSource == null) {
      try {
        BackingServices services = TestStack.services();
        Path dir = TestFiles.scratch("plain-pg-");
        Database postgres = services.startDatabase(dir);
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        postgres.close();
                        TestFiles.deleteTree(dir);
                      } catch (IOException e) {
                        System.err.println("cannot stop the test database cleanly: " + e);
                      }
                    }));
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setUrl(postgres.jdbcUrl());
        pg.setUser(postgres.user());
        pg.setPassword(postgres.password());
        Flyway.configure().dataSource(pg).locations("classpath:db/migration").load().migrate();
        dataSource = pg;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dataSource;
  }
}
