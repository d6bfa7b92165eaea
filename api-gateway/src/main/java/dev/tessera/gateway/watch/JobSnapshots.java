package dev.tessera.gateway.watch;

import dev.tessera.common.JobState;
import dev.tessera.common.tenants.Tenant;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads {@link JobSnapshot}s for the event streams: primary-key lookups, one job or many in one
 * query, always within the tenant. Reads only. Thread-safe.
 */
final class JobSnapshots {
  private static final int TIMEOUT_SECONDS = 10;
  private static final String COLUMNS =
      """
      id, custom_id, state, version, attempt, progress_step, progress_total, error,
      object_key, result_deleted_at IS NOT NULL AS result_deleted""";
  private static final String SELECT_ONE =
      "SELECT " + COLUMNS + " FROM jobs WHERE id = ? AND tenant_id = ?";
  private static final String SELECT_MANY =
      "SELECT " + COLUMNS + " FROM jobs WHERE id = ANY (?) AND tenant_id = ?";

  private final DataSource dataSource;

  JobSnapshots(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** {@code tenant}'s job {@code id}, or empty when it has none. */
  Optional<JobSnapshot> find(Tenant tenant, UUID id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT_ONE)) {
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setObject(1, id);
      select.setObject(2, tenant.id());
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(snapshot(row)) : Optional.empty();
      }
    }
  }

  /** Those of {@code ids} that are {@code tenant}'s jobs, in no particular order. */
  List<JobSnapshot> find(Tenant tenant, Collection<UUID> ids) throws SQLException {
    List<JobSnapshot> snapshots = new ArrayList<>(ids.size());
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT_MANY)) {
      Array idArray = connection.createArrayOf("uuid", ids.toArray());
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setArray(1, idArray);
      select.setObject(2, tenant.id());
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          snapshots.add(snapshot(row));
        }
      } finally {
        idArray.free();
      }
    }
    return snapshots;
  }

  private static JobSnapshot snapshot(ResultSet row) throws SQLException {
    JobState state = JobState.valueOf(row.getString("state"));
    Integer step = row.getObject("progress_step", Integer.class);
    Integer total = row.getObject("progress_total", Integer.class);
    // As the status shows it: progress of an earlier attempt means nothing once the job left
    // RUNNING.
    boolean running = state == JobState.RUNNING && step != null && total != null;
    return new JobSnapshot(
        row.getObject("id", UUID.class),
        row.getString("custom_id"),
        state,
        row.getLong("version"),
        row.getInt("attempt"),
        running ? step : 0,
        running ? total : 0,
        row.getString("error"),
        row.getString("object_key"),
        row.getBoolean("result_deleted"));
  }
}
