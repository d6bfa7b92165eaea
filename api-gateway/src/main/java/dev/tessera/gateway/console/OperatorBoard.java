package dev.tessera.gateway.console;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads the operator board's data from the farm's own tables (jobs, job_timings, workers, tenants),
 * which the scheduler and the gateway write: the same rows the farm's Prometheus gauges are counted
 * from. One read-only transaction, so the parts agree with each other; every statement is bounded
 * by a timeout. Thread-safe.
 */
public final class OperatorBoard {
  private static final int TIMEOUT_SECONDS = 10;

  private static final String BACKLOG =
      """
      SELECT model,
             count(*) FILTER (WHERE state = 'QUEUED') AS queued,
             count(*) FILTER (WHERE state = 'DISPATCHED') AS dispatched,
             count(*) FILTER (WHERE state = 'RUNNING') AS running
      FROM jobs WHERE state IN ('QUEUED', 'DISPATCHED', 'RUNNING')
      GROUP BY model ORDER BY model""";

  private static final String WORKERS =
      """
      SELECT w.id, w.models, w.job_id, w.last_seen, t.name AS tenant, j.progress_step, j.progress_total,
             CASE WHEN w.activity <> 'STOPPED' AND w.last_seen < now() - make_interval(secs => ?)
                  THEN 'LOST' ELSE w.activity END AS state
      FROM workers w
      LEFT JOIN jobs j ON j.id = w.job_id
      LEFT JOIN tenants t ON t.id = j.tenant_id
      ORDER BY w.id""";

  // Every minute of the window, so a chart shows the quiet minutes as zeros.
  private static final String THROUGHPUT =
      """
      WITH minutes AS (
        SELECT generate_series(date_trunc('minute', now()) - make_interval(mins => ? - 1),
                               date_trunc('minute', now()), interval '1 minute') AS minute),
      ended AS (
        SELECT date_trunc('minute', finished_at) AS minute, state FROM jobs
        WHERE finished_at >= date_trunc('minute', now()) - make_interval(mins => ? - 1))
      SELECT m.minute,
             count(*) FILTER (WHERE e.state = 'SUCCEEDED') AS succeeded,
             count(*) FILTER (WHERE e.state = 'FAILED') AS failed,
             count(*) FILTER (WHERE e.state = 'CANCELED') AS canceled
      FROM minutes m LEFT JOIN ended e ON e.minute = m.minute
      GROUP BY m.minute ORDER BY m.minute""";

  private static final String FAILURES =
      """
      SELECT coalesce(error, '(no reason recorded)') AS error, count(*) AS jobs, max(finished_at) AS last,
             (array_agg(id ORDER BY finished_at DESC))[1] AS last_job
      FROM jobs WHERE state = 'FAILED' AND finished_at > now() - interval '1 hour'
      GROUP BY 1 ORDER BY jobs DESC, last DESC LIMIT 20""";

  private static final String STAGES =
      """
      WITH recent AS (
        SELECT id, created_at, started_at FROM jobs
        WHERE state = 'SUCCEEDED' AND finished_at > now() - interval '1 hour'),
      times AS (
        SELECT t.stage, t.position, t.millis FROM job_timings t JOIN recent r ON r.id = t.job_id
        UNION ALL
        SELECT 'queue_wait', -1, extract(epoch FROM started_at - created_at) * 1000 FROM recent
        WHERE started_at IS NOT NULL)
      SELECT stage, count(*) AS jobs,
             percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY millis) AS p,
             max(millis) AS max
      FROM times GROUP BY stage ORDER BY min(position), stage""";

  private static final String TENANTS =
      """
      SELECT t.name,
             count(j.id) FILTER (WHERE j.state IN ('QUEUED', 'DISPATCHED')) AS waiting,
             count(j.id) FILTER (WHERE j.state = 'RUNNING') AS running,
             count(j.id) FILTER (WHERE j.state = 'SUCCEEDED') AS succeeded,
             count(j.id) FILTER (WHERE j.state = 'FAILED') AS failed,
             count(j.id) FILTER (WHERE j.state = 'CANCELED') AS canceled,
             coalesce(sum(extract(epoch FROM j.finished_at - j.started_at)), 0) AS render_seconds
      FROM tenants t
      LEFT JOIN jobs j ON j.tenant_id = t.id
           AND (j.state IN ('QUEUED', 'DISPATCHED', 'RUNNING') OR j.finished_at > now() - interval '24 hours')
      GROUP BY t.name ORDER BY t.name""";

  private final DataSource dataSource;
  private final Duration lease;

  /**
   * @param lease a worker not heard from for this long is LOST (as {@code GET /v1/workers} says)
   */
  public OperatorBoard(DataSource dataSource, Duration lease) {
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("the worker lease must be positive, got " + lease);
    }
    this.dataSource = dataSource;
    this.lease = lease;
  }

  /** The board as the database shows it now. */
  public Board read() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      // One snapshot for every part, so the counts agree.
      try (var isolation = connection.createStatement()) {
        isolation.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      }
      try {
        Instant at = now(connection);
        return new Board(
            at,
            backlog(connection),
            workers(connection),
            throughput(connection),
            failures(connection),
            stages(connection),
            tenants(connection));
      } finally {
        connection.rollback();
        connection.setReadOnly(false);
        connection.setAutoCommit(true);
      }
    }
  }

  private static PreparedStatement prepare(Connection connection, String sql) throws SQLException {
    PreparedStatement statement = connection.prepareStatement(sql);
    statement.setQueryTimeout(TIMEOUT_SECONDS);
    return statement;
  }

  private static Instant now(Connection connection) throws SQLException {
    try (PreparedStatement select = prepare(connection, "SELECT now()");
        ResultSet row = select.executeQuery()) {
      row.next();
      return instant(row, 1);
    }
  }

  private static List<Board.Backlog> backlog(Connection connection) throws SQLException {
    List<Board.Backlog> models = new ArrayList<>();
    try (PreparedStatement select = prepare(connection, BACKLOG);
        ResultSet row = select.executeQuery()) {
      while (row.next()) {
        models.add(
            new Board.Backlog(
                row.getString("model"),
                row.getLong("queued"),
                row.getLong("dispatched"),
                row.getLong("running")));
      }
    }
    return models;
  }

  private List<Board.Worker> workers(Connection connection) throws SQLException {
    List<Board.Worker> workers = new ArrayList<>();
    try (PreparedStatement select = prepare(connection, WORKERS)) {
      select.setDouble(1, lease.toMillis() / 1000.0);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          workers.add(
              new Board.Worker(
                  row.getString("id"),
                  List.of((String[]) row.getArray("models").getArray()),
                  row.getString("state"),
                  row.getObject("job_id", UUID.class),
                  row.getString("tenant"),
                  (Integer) row.getObject("progress_step"),
                  (Integer) row.getObject("progress_total"),
                  instant(row, "last_seen")));
        }
      }
    }
    return workers;
  }

  private static List<Board.Minute> throughput(Connection connection) throws SQLException {
    List<Board.Minute> minutes = new ArrayList<>();
    try (PreparedStatement select = prepare(connection, THROUGHPUT)) {
      select.setInt(1, Board.THROUGHPUT_MINUTES);
      select.setInt(2, Board.THROUGHPUT_MINUTES);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          minutes.add(
              new Board.Minute(
                  instant(row, "minute"),
                  row.getLong("succeeded"),
                  row.getLong("failed"),
                  row.getLong("canceled")));
        }
      }
    }
    return minutes;
  }

  private static List<Board.Failure> failures(Connection connection) throws SQLException {
    List<Board.Failure> failures = new ArrayList<>();
    try (PreparedStatement select = prepare(connection, FAILURES);
        ResultSet row = select.executeQuery()) {
      while (row.next()) {
        failures.add(
            new Board.Failure(
                row.getString("error"),
                row.getLong("jobs"),
                instant(row, "last"),
                row.getObject("last_job", UUID.class)));
      }
    }
    return failures;
  }

  private static List<Board.Stage> stages(Connection connection) throws SQLException {
    List<Board.Stage> stages = new ArrayList<>();
    try (PreparedStatement select = prepare(connection, STAGES);
        ResultSet row = select.executeQuery()) {
      while (row.next()) {
        Double[] p = (Double[]) row.getArray("p").getArray();
        stages.add(
            new Board.Stage(
                row.getString("stage"),
                row.getLong("jobs"),
                p[0],
                p[1],
                p[2],
                row.getDouble("max")));
      }
    }
    return stages;
  }

  private static List<Board.TenantUsage> tenants(Connection connection) throws SQLException {
    List<Board.TenantUsage> tenants = new ArrayList<>();
    try (PreparedStatement select = prepare(connection, TENANTS);
        ResultSet row = select.executeQuery()) {
      while (row.next()) {
        tenants.add(
            new Board.TenantUsage(
                row.getString("name"),
                row.getLong("waiting"),
                row.getLong("running"),
                row.getLong("succeeded"),
                row.getLong("failed"),
                row.getLong("canceled"),
                row.getDouble("render_seconds")));
      }
    }
    return tenants;
  }

  private static Instant instant(ResultSet row, String column) throws SQLException {
    OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
    return time == null ? null : time.toInstant();
  }

  private static Instant instant(ResultSet row, int column) throws SQLException {
    return row.getObject(column, OffsetDateTime.class).toInstant();
  }
}
