package dev.tessera.gateway.batches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.common.Json;
import dev.tessera.common.RenderJob;
import dev.tessera.common.RenderSettings;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import dev.tessera.gateway.jobs.QueuedJob;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The binary COPY against real PostgreSQL: every value arrives as written, whatever characters it
 * holds, and a refused row leaves the connection usable.
 */
class BatchInsertTest {
  private static final Instant NOW = Instant.parse("2026-03-04T05:06:07.123456Z");
  private final DataSource dataSource = TestDatabase.dataSource();
  private final Sql sql = new Sql(dataSource);

  private static Tenant tenant() throws SQLException {
    return new TenantStore(TestDatabase.dataSource())
        .create("copy-test-" + System.nanoTime(), 1, 100, 10, false)
        .tenant();
  }

  private static BatchJob job(String customId, String prompt, int priority) {
    RenderSettings settings =
        new RenderSettings(
            prompt, "no \"quotes\"\\", 4294967295L, 30, 7.5, "euler", true, 768, 512);
    return new BatchJob(
        customId,
        new QueuedJob(
            new RenderJob(UUID.randomUUID(), "sd21", settings, "x4", 2048, NOW, 0),
            priority,
            null));
  }

  private static BatchJob job(String customId, String prompt) {
    return job(customId, prompt, 50);
  }

  @Test
  void writesEveryValueAsGiven() throws Exception {
    Tenant tenant = tenant();
    UUID batch = UUID.randomUUID();
    List<BatchJob> jobs =
        List.of(
            job("tab\there", "line one\nline two\r\n\\N back\\slash", 0),
            job("ünïcødé 🦊", "a fox 🦊, 雨", 100),
            job("\\.", "\\.", 37));
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      BatchInsert.write(c, batch, tenant.id(), NOW, jobs);
      c.commit();
    }

    Map<String, Object> row = sql.row("SELECT * FROM batches WHERE id = ?", batch);
    assertEquals(tenant.id(), row.get("tenant_id"));
    assertEquals(3, row.get("job_count"));
    assertEquals(NOW, ((Timestamp) row.get("created_at")).toInstant());
    for (BatchJob job : jobs) {
      RenderJob render = job.job().render();
      Map<String, Object> stored = sql.row("SELECT * FROM jobs WHERE id = ?", render.jobId());
      assertEquals(job.customId(), stored.get("custom_id"));
      assertEquals(batch, stored.get("batch_id"));
      assertEquals(tenant.id(), stored.get("tenant_id"));
      assertEquals("QUEUED", stored.get("state"));
      assertEquals(job.job().priority(), stored.get("priority"));
      assertEquals(0L, stored.get("version"));
      assertEquals(2048, stored.get("target_size"));
      assertEquals(NOW, ((Timestamp) stored.get("created_at")).toInstant());
      assertEquals(
          render.settings(),
          Json.decode(stored.get("settings").toString().getBytes(), RenderSettings.class));
    }
    assertEquals(
        0,
        sql.count(
            "SELECT count(*) FROM outbox o JOIN jobs j ON o.key = j.id::text WHERE j.batch_id = ?",
            batch),
        "no outbox rows: the scheduler dispatches the jobs");
  }

  @Test
  void aRefusedRowFailsTheCopyAndLeavesTheConnectionUsable() throws Exception {
    Tenant tenant = tenant();
    UUID batch = UUID.randomUUID();
    // The same custom_id twice breaks the batch's unique index, in the middle of the jobs COPY.
    List<BatchJob> jobs = List.of(job("a", "x"), job("b", "x"), job("a", "x"), job("c", "x"));
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      SQLException e =
          assertThrows(
              SQLException.class, () -> BatchInsert.write(c, batch, tenant.id(), NOW, jobs));
      assertEquals("23505", e.getSQLState(), e.getMessage());
      c.rollback();
      assertEquals(false, c.isClosed());
      try (var s = c.createStatement();
          var r = s.executeQuery("SELECT count(*) FROM jobs WHERE batch_id = '" + batch + "'")) {
        r.next();
        assertEquals(0, r.getInt(1));
      }
    }
    assertEquals(0, sql.count("SELECT count(*) FROM batches WHERE id = ?", batch));
  }
}
