package dev.tessera.scheduler.metrics;

import dev.tessera.scheduler.JobRepository.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Reads the farm's backlog and workers in one statement: QUEUED and DISPATCHED jobs per model (each
 * through its partial index), and live workers per model, busy or idle, live as the dispatcher
 * counts them (not stopped, heard from within the lease). Thread-safe.
 */
final class BacklogQuery {
  /** A count that takes longer is given up; the gauges keep their values until the next one. */
  static final int TIMEOUT_SECONDS = 5;

  private static final String COUNTS =
      """
      SELECT 'backlog', model, 'queued', count(*) FROM jobs WHERE state = 'QUEUED' GROUP BY model
      UNION ALL
      SELECT 'backlog', model, 'dispatched', count(*) FROM jobs WHERE state = 'DISPATCHED'
      GROUP BY model
      UNION ALL
      SELECT 'workers', model, lower(activity), count(*) FROM workers, unnest(models) AS model
      WHERE activity <> 'STOPPED' AND last_seen > now() - make_interval(secs => ?)
      GROUP BY model, activity""";

  private final DataSource dataSource;
  private final Duration lease;

  /**
   * @param lease a worker not heard from for this long is not live (the scheduler's lease)
   */
  BacklogQuery(DataSource dataSource, Duration lease) {
    this.dataSource = dataSource;
    this.lease = lease;
  }

  /**
   * The counts now, without zeros.
   *
   * @throws StoreException when the database fails or the statement times out
   */
  FarmCounts read() {
    Map<List<String>, Long> backlog = new HashMap<>();
    Map<List<String>, Long> workers = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(COUNTS)) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      s.setDouble(1, lease.toMillis() / 1000.0);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          Map<List<String>, Long> into = rs.getString(1).equals("backlog") ? backlog : workers;
          into.put(List.of(rs.getString(2), rs.getString(3)), rs.getLong(4));
        }
      }
      return new FarmCounts(backlog, workers);
    } catch (SQLException e) {
      throw new StoreException("cannot count the backlog and the workers", e);
    }
  }
}
