package dev.tessera.gateway.jobs;

import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.api.JobView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Answers job status from PostgreSQL as the scheduler wrote it: one primary-key lookup and one for
 * the stage timings, so clients may poll often. Reads only. Thread-safe.
 */
public final class JobQuery {
  private static final String SELECT_JOB =
      "SELECT " + JobRows.COLUMNS + " FROM " + JobRows.FROM + " WHERE id = ? AND tenant_id = ?";

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
        return Optional.of(
            rows.view(row, JobRows.timings(connection, List.of(id)).getOrDefault(id, List.of())));
      }
    }
  }
}
