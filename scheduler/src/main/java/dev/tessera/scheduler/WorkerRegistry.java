package dev.tessera.scheduler;

import dev.tessera.common.WorkerHeartbeat;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The worker registry in PostgreSQL (table {@code workers}): the latest heartbeat of each worker,
 * written here from {@code render.workers}, read by the dispatcher (capacity per model), the lease
 * sweeper and the gateway ({@code GET /v1/workers}). Every statement carries a timeout.
 * Thread-safe.
 */
public final class WorkerRegistry {
  private static final int TIMEOUT_SECONDS = 10;

  // A heartbeat's time is the worker's clock, capped at the database's so that a fast clock cannot
  // keep a dead worker alive; an older heartbeat than the one stored (a replay) changes nothing.
  private static final String RECORD =
      """
      WITH before AS (SELECT activity FROM workers WHERE id = ?)
      INSERT INTO workers (id, models, activity, job_id, job_ids, first_seen, last_seen)
      VALUES (?, ?, ?, ?, ?, LEAST(now(), ?), LEAST(now(), ?))
      ON CONFLICT (id) DO UPDATE
        SET models = EXCLUDED.models, activity = EXCLUDED.activity, job_id = EXCLUDED.job_id,
            job_ids = EXCLUDED.job_ids, last_seen = EXCLUDED.last_seen
        WHERE workers.last_seen <= EXCLUDED.last_seen
      RETURNING (SELECT activity FROM before)""";

  private static final String CAPACITY =
      """
      SELECT model, count(*) FROM workers, unnest(models) AS model
      WHERE activity IN ('IDLE', 'BUSY') AND last_seen > now() - make_interval(secs => ?)
      GROUP BY model""";

  private static final String FORGET =
      "DELETE FROM workers WHERE last_seen < now() - make_interval(secs => ?)";

  private final DataSource dataSource;

  public WorkerRegistry(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Records {@code heartbeat} unless a later one of the same worker is stored.
   *
   * @return whether the worker is new or changed its activity (capacity may have changed)
   * @throws JobRepository.StoreException when the database fails
   */
  public boolean record(WorkerHeartbeat heartbeat) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(RECORD)) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      Array models = c.createArrayOf("text", heartbeat.models().toArray());
      s.setString(1, heartbeat.workerId());
      s.setString(2, heartbeat.workerId());
      s.setArray(3, models);
      s.setString(4, heartbeat.activity().name());
      s.setObject(5, heartbeat.jobId(), Types.OTHER);
      Array jobs = c.createArrayOf("uuid", heartbeat.jobIds().toArray());
      s.setArray(6, jobs);
      s.setObject(7, heartbeat.at().atOffset(ZoneOffset.UTC));
      s.setObject(8, heartbeat.at().atOffset(ZoneOffset.UTC));
      try (ResultSet rs = s.executeQuery()) {
        models.free();
        jobs.free();
        return rs.next() && !heartbeat.activity().name().equals(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new JobRepository.StoreException(
          "cannot record heartbeat of worker " + heartbeat.workerId(), e);
    }
  }

  /**
   * Live workers per model that take jobs: idle or busy (not draining, not stopped), and heard from
   * within {@code lease}. A worker of several models counts for each.
   */
  public Map<String, Integer> capacity(Duration lease) {
    Map<String, Integer> live = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(CAPACITY)) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      s.setDouble(1, lease.toMillis() / 1000.0);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          live.put(rs.getString(1), rs.getInt(2));
        }
      }
      return live;
    } catch (SQLException e) {
      throw new JobRepository.StoreException("cannot count live workers", e);
    }
  }

  /**
   * Deletes workers not heard from for {@code age}, so the registry does not keep every pod that
   * ever ran.
   *
   * @return how many were deleted
   */
  public int forget(Duration age) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(FORGET)) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      s.setDouble(1, age.toMillis() / 1000.0);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new JobRepository.StoreException("cannot forget old workers", e);
    }
  }
}
