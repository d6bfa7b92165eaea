package dev.tessera.scheduler;

import dev.tessera.common.JobState;
import dev.tessera.common.JobStateMachine;
import dev.tessera.common.StageTimings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Plain JDBC access to the {@code jobs} and {@code job_timings} tables. Every write is guarded: it
 * names the state (and version) it expects and reports whether it won, i.e. changed exactly one
 * row. A lost guard changes nothing; the caller re-reads and decides again. Each won transition it
 * commits itself is told to its {@link TransitionListener} (the metrics), so a duplicate event is
 * never counted twice. Not final so that tests can interleave a competing writer.
 */
public class JobRepository {
  /**
   * A database failure (connection lost, constraint broken); the event that caused it can be
   * retried.
   */
  public static final class StoreException extends RuntimeException {
    public StoreException(String message, SQLException cause) {
      super(message + ": " + cause.getMessage(), cause);
    }
  }

  private static final String COLUMNS =
      "j.id, j.model, j.state, j.version, j.attempt, j.worker_id, j.progress_step,"
          + " j.progress_total, j.error, j.object_key, j.started_at, j.finished_at, j.created_at,"
          + " j.updated_at";

  private static final String SELECT = "SELECT " + COLUMNS + " FROM jobs j WHERE j.id = ?";

  // RUNNING jobs whose worker is gone: silent for the lease, stopped, or (for a lease now) on
  // another job or no job at all; a worker the registry never heard of gets the lease from the
  // start. The reason names which. A draining worker that names the job still holds it; a worker
  // rendering a batch names every job of it (job_ids).
  private static final String LOST_RUNNING =
      "SELECT "
          + COLUMNS
          + """
          , CASE
              WHEN w.id IS NULL THEN 'worker ' || j.worker_id || ' lost: never heard from'
              WHEN w.activity = 'STOPPED' THEN 'worker ' || w.id || ' lost: it stopped'
              WHEN w.last_seen < now() - make_interval(secs => ?)
                THEN 'worker ' || w.id || ' lost: no heartbeat for '
                     || round(extract(epoch FROM now() - w.last_seen)) || ' s'
              ELSE 'worker ' || w.id || ' lost: it no longer reports this job'
            END AS reason
          FROM jobs j LEFT JOIN workers w ON w.id = j.worker_id
          WHERE j.state = 'RUNNING' AND (
                (w.id IS NULL AND j.updated_at < now() - make_interval(secs => ?))
                OR w.activity = 'STOPPED'
                OR w.last_seen < now() - make_interval(secs => ?)
                OR (NOT j.id = ANY (w.job_ids) AND j.updated_at < now() - make_interval(secs => ?)
                    AND w.last_seen > j.updated_at))
          ORDER BY j.updated_at LIMIT ?""";

  // DISPATCHED jobs that no worker started in time, or whose model has had no live worker taking
  // jobs (idle or busy; a draining one takes none) for a lease.
  private static final String UNSTARTED =
      "SELECT "
          + COLUMNS
          + """
          , CASE
              WHEN j.updated_at < now() - make_interval(secs => ?)
                THEN 'not started within ' || ? || ' s of its dispatch'
              ELSE 'no live worker for model ' || j.model
            END AS reason,
            j.updated_at < now() - make_interval(secs => ?) AS timed_out
          FROM jobs j
          WHERE j.state = 'DISPATCHED' AND (
                j.updated_at < now() - make_interval(secs => ?)
                OR (j.updated_at < now() - make_interval(secs => ?) AND NOT EXISTS (
                      SELECT 1 FROM workers w
                      WHERE j.model = ANY (w.models) AND w.activity IN ('IDLE', 'BUSY')
                        AND w.last_seen > now() - make_interval(secs => ?))))
          ORDER BY j.updated_at LIMIT ?""";

  // Returns what the listener labels by, so a won transition costs no second read.
  private static final String TRANSITION =
      "UPDATE jobs SET state = ?, version = version + 1, updated_at = now(),"
          + " attempt = ?, worker_id = ?, progress_step = ?, progress_total = ?, error = ?, object_key = ?,"
          + " started_at = ?, finished_at = ? WHERE id = ? AND state = ? AND version = ?"
          + " RETURNING model, created_at, (SELECT t.name FROM tenants t WHERE t.id = jobs.tenant_id)";

  // Progress is not a state change: guarded by the running attempt instead of the version, and only
  // ever forward.
  private static final String PROGRESS =
      "UPDATE jobs SET progress_step = ?, progress_total = ?, updated_at = now()"
          + " WHERE id = ? AND state = 'RUNNING' AND attempt = ? AND (progress_step IS NULL OR progress_step < ?)";

  private static final String TIMING =
      "INSERT INTO job_timings (job_id, position, stage, millis, detail) VALUES (?, ?, ?, ?, ?)";

  private static final int TIMEOUT_SECONDS = 10;

  /**
   * A job the lease sweeper has to move.
   *
   * @param reason why, for the job's {@code error} and the log
   * @param attemptSpent whether the job's attempt counts as used (its worker was lost, or nobody
   *     started it in time); false when it merely waited for a worker that no longer exists
   */
  public record Orphan(JobRow row, String reason, boolean attemptSpent) {}

  private final DataSource dataSource;
  private final TransitionListener listener;

  /**
   * @param listener told of each transition this repository commits
   */
  public JobRepository(DataSource dataSource, TransitionListener listener) {
    this.dataSource = dataSource;
    this.listener = listener;
  }

  /** The job's row, if it exists. */
  public Optional<JobRow> find(UUID id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(SELECT)) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      s.setObject(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read job " + id, e);
    }
  }

  /**
   * Up to {@code limit} RUNNING jobs whose worker was lost: it stopped, sent no heartbeat for
   * {@code lease}, or for {@code lease} has reported being on another job or none; oldest first.
   */
  public List<Orphan> lostRunning(Duration lease, int limit) {
    double secs = seconds(lease);
    return orphans(
        LOST_RUNNING,
        limit,
        s -> {
          s.setDouble(1, secs);
          s.setDouble(2, secs);
          s.setDouble(3, secs);
          s.setDouble(4, secs);
          s.setInt(5, limit);
        },
        rs -> true);
  }

  /**
   * Up to {@code limit} DISPATCHED jobs that no worker started within {@code startTimeout}, or
   * whose model has had no live worker (see {@link WorkerRegistry#capacity}) since {@code lease}
   * after their dispatch; oldest first.
   */
  public List<Orphan> unstartedDispatches(Duration startTimeout, Duration lease, int limit) {
    double timeout = seconds(startTimeout);
    double secs = seconds(lease);
    return orphans(
        UNSTARTED,
        limit,
        s -> {
          s.setDouble(1, timeout);
          s.setLong(2, Math.round(timeout));
          s.setDouble(3, timeout);
          s.setDouble(4, timeout);
          s.setDouble(5, secs);
          s.setDouble(6, secs);
          s.setInt(7, limit);
        },
        rs -> rs.getBoolean("timed_out"));
  }

  private interface Parameters {
    void set(PreparedStatement s) throws SQLException;
  }

  private interface Flag {
    boolean of(ResultSet rs) throws SQLException;
  }

  private List<Orphan> orphans(String sql, int limit, Parameters parameters, Flag attemptSpent) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      parameters.set(s);
      List<Orphan> found = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          found.add(new Orphan(row(rs), rs.getString("reason"), attemptSpent.of(rs)));
        }
      }
      return found;
    } catch (SQLException e) {
      throw new StoreException("cannot look for orphaned jobs", e);
    }
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  /**
   * Moves the job from {@code from} at {@code version} to {@code to}, writing {@code fields} and
   * bumping the version.
   *
   * @return whether this call won: false when the job is no longer in {@code from} at {@code
   *     version}
   * @throws IllegalStateException when the state machine does not allow {@code from -> to}
   */
  public boolean transition(UUID id, JobState from, long version, JobState to, JobFields fields) {
    checkAllowed(from, to);
    Optional<AppliedTransition> won;
    try (Connection c = dataSource.getConnection()) {
      won = update(c, id, from, version, to, fields, List.of());
    } catch (SQLException e) {
      throw new StoreException("cannot move job " + id + " from " + from + " to " + to, e);
    }
    won.ifPresent(listener::applied);
    return won.isPresent();
  }

  /**
   * {@link #transition} on {@code connection}, inside the caller's transaction (the dispatcher
   * moves jobs and publishes them in one). Not told to the listener: whether it commits is the
   * caller's to know.
   *
   * @throws SQLException when the database fails; the caller rolls back
   */
  public boolean transition(
      Connection connection, UUID id, JobState from, long version, JobState to, JobFields fields)
      throws SQLException {
    checkAllowed(from, to);
    return update(connection, id, from, version, to, fields, List.of()).isPresent();
  }

  /**
   * Moves the job to SUCCEEDED as {@link #transition} does and, in the same transaction, saves its
   * stage timings in order; both happen or neither.
   */
  public boolean succeed(
      UUID id, JobState from, long version, JobFields fields, List<StageTimings.Entry> timings) {
    checkAllowed(from, JobState.SUCCEEDED);
    Optional<AppliedTransition> won;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        won = update(c, id, from, version, JobState.SUCCEEDED, fields, timings);
        if (won.isPresent()) {
          saveTimings(c, id, timings);
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot complete job " + id, e);
    }
    won.ifPresent(listener::applied);
    return won.isPresent();
  }

  /**
   * Records denoising progress of a running attempt.
   *
   * @return false when the job is not RUNNING this {@code attempt}, or already reported this step
   *     or a later one
   */
  public boolean recordProgress(UUID id, int attempt, int step, int total) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(PROGRESS)) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      s.setInt(1, step);
      s.setInt(2, total);
      s.setObject(3, id);
      s.setInt(4, attempt);
      s.setInt(5, step);
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot record progress of job " + id, e);
    }
  }

  private static void checkAllowed(JobState from, JobState to) {
    if (!JobStateMachine.allows(from, to)) {
      throw new IllegalStateException("the job state machine does not allow " + from + " -> " + to);
    }
  }

  /** The transition as written, or empty when the guard lost. */
  private static Optional<AppliedTransition> update(
      Connection c,
      UUID id,
      JobState from,
      long version,
      JobState to,
      JobFields f,
      List<StageTimings.Entry> timings)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(TRANSITION)) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      s.setString(1, to.name());
      s.setInt(2, f.attempt());
      s.setString(3, f.workerId());
      s.setObject(4, f.progressStep(), Types.INTEGER);
      s.setObject(5, f.progressTotal(), Types.INTEGER);
      s.setString(6, f.error());
      s.setString(7, f.objectKey());
      s.setObject(8, timestamp(f.startedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
      s.setObject(9, timestamp(f.finishedAt()), Types.TIMESTAMP_WITH_TIMEZONE);
      s.setObject(10, id);
      s.setString(11, from.name());
      s.setLong(12, version);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new AppliedTransition(
                id,
                rs.getString(1),
                rs.getString(3),
                from,
                to,
                f,
                instant(rs, "created_at"),
                List.copyOf(timings)));
      }
    }
  }

  private static void saveTimings(Connection c, UUID id, List<StageTimings.Entry> timings)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(TIMING)) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      int position = 0;
      for (StageTimings.Entry e : timings) {
        s.setObject(1, id);
        s.setInt(2, position++);
        s.setString(3, e.stage());
        s.setDouble(4, e.millis());
        s.setString(5, e.detail() == null ? "" : e.detail());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static JobRow row(ResultSet rs) throws SQLException {
    JobFields fields =
        new JobFields(
            rs.getInt("attempt"),
            rs.getString("worker_id"),
            rs.getObject("progress_step", Integer.class),
            rs.getObject("progress_total", Integer.class),
            rs.getString("error"),
            rs.getString("object_key"),
            instant(rs, "started_at"),
            instant(rs, "finished_at"));
    return new JobRow(
        rs.getObject("id", UUID.class),
        rs.getString("model"),
        JobState.valueOf(rs.getString("state")),
        rs.getLong("version"),
        fields,
        instant(rs, "created_at"),
        instant(rs, "updated_at"));
  }

  private static OffsetDateTime timestamp(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
