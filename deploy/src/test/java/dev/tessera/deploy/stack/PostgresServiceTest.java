package dev.tessera.deploy.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServiceTest {
  @TempDir Path dir;

  @Test
  void startsARealServerAndKeepsDataAcrossRestarts() throws Exception {
    try (PostgresService pg = PostgresService.start(dir, 0);
        var c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
      c.createStatement().execute("CREATE TABLE t (x int); INSERT INTO t VALUES (42)");
    }
    try (PostgresService pg = PostgresService.start(dir, 0);
        var c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
      var rs = c.createStatement().executeQuery("SELECT x, version() FROM t");
      rs.next();
      assertEquals(42, rs.getInt(1));
      System.out.println(rs.getString(2));
    }
  }
}
