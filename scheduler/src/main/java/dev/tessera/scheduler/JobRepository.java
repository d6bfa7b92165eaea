package dev.tessera.scheduler;

import dev.tessera.common.JobState;
import dev.tessera.common.JobStateMachine;
import dev.tessera.common.StageTimings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Plain JDBC access to the {@code jobs} and {@code job_timings} tables. Every write is guarded: it
 * names the state (and version) it expects and reports whether it won, i.e. changed exactly one
 * row. A lost guard changes nothing; the caller re-reads and decides again. Not final so that tests
 * can interleave a competing writer.
 */
public class JobRepository {
  /**
   * A database failure (connection lost, constraint broken); the event that caused it can be
   * retried.
   */
  public static final class StoreException extends RuntimeException {
    StoreException(String message, SQLException cause) {
      super(message + ": " + cause.getMessage(), cause);
    }
  }

  private static final String SELECT =
      "SELECT id, model, state, version, attempt, worker_id, progress_step,"
          + " progress_total, error, object_key, started_at, finished_at, created_at, updated_at FROM jobs WHERE id = ?";

  private static final String TRANSITION =
      "UPDATE jobs SET state = ?, version = version + 1, updated_at = now(),"
          + " attempt = ?, worker_id = ?, progress_step = ?, progress_total = ?, error = ?, object_key = ?,"
          + " started_at = ?, finished_at = ? WHERE id = ? AND state = ? AND version = ?";

  // Progress is not a state change: guarded by the running attempt instead of the version, and only
  // ever forward.
  private static final String PROGRESS =
      "UPDATE jobs SET progress_step = ?, progress_total = ?, updated_at = now()"
          + " WHERE id = ? AND state = 'RUNNING' AND attempt = ? AND (progress_step IS NULL OR progress_step < ?)";

  private static final String TIMING =
      "INSERT INTO job_timings (job_id, position, stage, millis, detail) VALUES (?, ?, ?, ?, ?)";

  private final DataSource dataSource;

  public JobRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The job's row, if it exists. */
  public Optional<JobRow> find(UUID id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(SELECT)) {
      s.setObject(1, id);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read job " + id, e);
    }
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
    try (Connection c = dataSource.getConnection()) {
      return update(c, id, from, version, to, fields);
    } catch (SQLException e) {
      throw new StoreException("cannot move job " + id + " from " + from + " to " + to, e);
    }
  }

  /**
   * Moves the job to SUCCEEDED as {@link #transition} does and, in the same transaction, saves its
   * stage timings in order; both happen or neither.
   */
  public boolean succeed(
      UUID id, JobState from, long version, JobFields fields, List<StageTimings.Entry> timings) {
    checkAllowed(from, JobState.SUCCEEDED);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        boolean won = update(c, id, from, version, JobState.SUCCEEDED, fields);
        if (won) {
          saveTimings(c, id, timings);
        }
        c.commit();
        return won;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot complete job " + id, e);
    }
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

  private static boolean update(
      Connection c, UUID id, JobState from, long version, JobState to, JobFields f)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(TRANSITION)) {
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
      return s.executeUpdate() == 1;
    }
  }

  private static void saveTimings(Connection c, UUID id, List<StageTimings.Entry> timings)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(TIMING)) {
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
