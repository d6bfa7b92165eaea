package dev.tessera.deploy.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
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

  @Test
  void aStoppedServerRefusesConnectionsAndComesBackOnTheSamePortWithItsData() throws Exception {
    try (PostgresService pg = PostgresService.start(dir, 0)) {
      String url = pg.jdbcUrl();
      try (var c = DriverManager.getConnection(url, pg.user(), pg.password())) {
        c.createStatement().execute("CREATE TABLE t (x int); INSERT INTO t VALUES (7)");
      }
      pg.stop();
      pg.stop();
      SQLException refused =
          assertThrows(
              SQLException.class, () -> DriverManager.getConnection(url, pg.user(), pg.password()));
      assertTrue(refused.getSQLState().startsWith("08"), refused.getSQLState());
      pg.restart();
      assertEquals(url, pg.jdbcUrl());
      try (var c = DriverManager.getConnection(url, pg.user(), pg.password())) {
        var rs = c.createStatement().executeQuery("SELECT x FROM t");
        rs.next();
        assertEquals(7, rs.getInt(1));
      }
      pg.close();
      assertThrows(IllegalStateException.class, pg::restart);
    }
  }
}
