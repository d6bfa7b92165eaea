package dev.tessera.gateway.jobs;

import dev.tessera.common.Json;
import dev.tessera.common.StageTimings;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.api.JobView;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Answers job status from PostgreSQL as the scheduler wrote it: one primary-key lookup, the stage
 * timings gathered into it as JSON, so that a poll costs one round trip. Reads only. Thread-safe.
 */
public final class JobQuery {
  /** The job's stage timings as a JSON array in the order they ran, or null when it has none. */
  private static final String TIMINGS =
      """
      (SELECT json_agg(json_build_object('stage', stage, 'millis', millis, 'detail', detail)
                       ORDER BY position)
       FROM job_timings WHERE job_id = jobs.id) AS timings""";

  private static final String SELECT_JOB =
      "SELECT "
          + JobRows.COLUMNS
          + ", "
          + TIMINGS
          + " FROM "
          + JobRows.FROM
          + " WHERE id = ? AND tenant_id = ?";

  private final DataSource dataSource;
  private final JobRows rows;

  public JobQuery(DataSource dataSource, ResultLinks links) {
    this.dataSource = dataSource;
    this.rows = new JobRows(links);
  }

  /**
   * {@code tenant}'s job with this id, or empty when it has none (another tenant's job included).
   */
  public Optional<JobView> find(Tenant tenant, UUID id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT_JOB)) {
      select.setQueryTimeout(JobRows.TIMEOUT_SECONDS);
      select.setObject(1, id);
      select.setObject(2, tenant.id());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        String timings = row.getString("timings");
        return Optional.of(
            rows.view(
                row,
                timings == null
                    ? List.of()
                    : List.of(
                        Json.decode(
                            timings.getBytes(StandardCharsets.UTF_8),
                            StageTimings.Entry[].class))));
      }
    }
  }
}
