package dev.tessera.gateway.workers;

import dev.tessera.gateway.api.WorkerView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads the {@code workers} table, which the scheduler writes from the workers' heartbeats, for
 * {@code GET /v1/workers}. A worker that has not said it stopped but whose latest heartbeat is
 * older than the lease is LOST; that is judged by the database's clock, which also stamped the
 * heartbeat times, so the gateway's clock cannot skew it. Reads only. Thread-safe.
 */
public final class WorkerRegistry {
  private static final int TIMEOUT_SECONDS = 10;
  private static final String SELECT_ALL =
      """
      SELECT id, models, job_id, first_seen, last_seen,
             CASE WHEN activity <> 'STOPPED' AND last_seen < now() - make_interval(secs => ?)
                  THEN 'LOST' ELSE activity END AS state
      FROM workers ORDER BY id""";

  private final DataSource dataSource;
  private final Duration lease;

  /**
   * @param lease a worker not heard from for this long is LOST
   */
  public WorkerRegistry(DataSource dataSource, Duration lease) {
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("the worker lease must be positive, got " + lease);
    }
    this.dataSource = dataSource;
    this.lease = lease;
  }

  /** Every worker in the registry, by id. */
  public List<WorkerView> all() throws SQLException {
    List<WorkerView> workers = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT_ALL)) {
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setDouble(1, lease.toMillis() / 1000.0);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          workers.add(
              new WorkerView(
                  row.getString("id"),
                  List.of((String[]) row.getArray("models").getArray()),
                  WorkerView.State.valueOf(row.getString("state")),
                  row.getObject("job_id", UUID.class),
                  row.getObject("first_seen", OffsetDateTime.class).toInstant(),
                  row.getObject("last_seen", OffsetDateTime.class).toInstant()));
        }
      }
    }
    return workers;
  }
}
