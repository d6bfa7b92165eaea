package dev.tessera.gateway.webhooks;

import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.Sql;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Jobs with webhooks in the plain tests' database, moved the way the scheduler moves them
 * (versioned updates of state and progress), so that the trigger enqueues their deliveries.
 */
final class WebhookJobs {
  private final DataSource dataSource;
  private final Sql sql;

  WebhookJobs(DataSource dataSource) {
    this.dataSource = dataSource;
    this.sql = new Sql(dataSource);
  }

  /** A new tenant's id. */
  UUID tenant() throws SQLException {
    return new TenantStore(dataSource)
        .create("hooks-" + System.nanoTime() % 1_000_000_000L, 1, 1000, 10, false)
        .tenant()
        .id();
  }

  /**
   * A queued job of {@code tenant} whose events go to {@code url}.
   *
   * @param events as the column holds them, e.g. {@code {started,completed}}
   */
  UUID queued(UUID tenant, String url, String events) throws SQLException {
    UUID id = UUID.randomUUID();
    sql.update(
        """
        INSERT INTO jobs (id, tenant_id, model, settings, upscale, target_size, webhook_url,
                          webhook_events)
        VALUES (?, ?, 'sd21', '{}'::jsonb, 'x4', 2048, ?, ?::text[])""",
        id,
        tenant,
        url,
        events);
    return id;
  }

  void start(UUID job) throws SQLException {
    sql.update(
        """
        UPDATE jobs SET state = 'RUNNING', attempt = attempt + 1, started_at = now(),
               version = version + 1 WHERE id = ?""",
        job);
  }

  void progress(UUID job, int step) throws SQLException {
    sql.update(
        "UPDATE jobs SET progress_step = ?, progress_total = 25 WHERE id = ? AND state = 'RUNNING'",
        step,
        job);
  }

  void succeed(UUID job) throws SQLException {
    sql.update(
        """
        UPDATE jobs SET state = 'SUCCEEDED', object_key = 'results/' || id || '.png',
               progress_step = NULL, progress_total = NULL, finished_at = now(),
               version = version + 1 WHERE id = ?""",
        job);
  }
}
