package dev.tessera.gateway.a1111;

import dev.tessera.common.JobState;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads how far a tenant's jobs are: their states, and the steps of those running. Thread-safe. */
final class JobProgress {
  private static final String SELECT =
      """
      SELECT id, state, progress_step, progress_total FROM jobs
      WHERE tenant_id = ? AND id = ANY (?)""";
  private static final int TIMEOUT_SECONDS = 10;

  /** One job: its state, and step of total while it runs (0 of 0 before it reports one). */
  record Row(UUID id, JobState state, int step, int total) {}

  private final DataSource dataSource;

  JobProgress(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  List<Row> read(UUID tenantId, List<UUID> ids) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT)) {
      Array array = connection.createArrayOf("uuid", ids.toArray());
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setObject(1, tenantId);
      select.setArray(2, array);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          rows.add(
              new Row(
                  result.getObject("id", UUID.class),
                  JobState.valueOf(result.getString("state")),
                  result.getInt("progress_step"),
                  result.getInt("progress_total")));
        }
      } finally {
        array.free();
      }
    }
    return rows;
  }
}
