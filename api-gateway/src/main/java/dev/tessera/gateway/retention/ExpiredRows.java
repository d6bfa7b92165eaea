package dev.tessera.gateway.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Deletes one kind of row once its retention has passed: outbox rows sent, webhook deliveries ended
 * (delivered or given up). Nothing reads them again but a person looking into a recent delivery, so
 * without this their tables and indexes would grow forever. Deletes in chunks, each one statement
 * under a timeout that commits on its own, so no statement runs long or holds many row locks; at
 * most once per interval. A failure is logged and tried again an interval later: nothing here
 * throws into the loop that calls it. Not thread-safe: one loop's thread calls it.
 */
public final class ExpiredRows {
  /**
   * A kind of row that expires.
   *
   * @param what the rows, as the log names them ("outbox rows sent")
   * @param deleteChunk deletes one chunk; its parameters are the retention in seconds and the
   *     chunk's rows. SKIP LOCKED: replicas cleaning at the same moment take disjoint rows instead
   *     of waiting.
   */
  public record Kind(String what, String deleteChunk) {}

  /** Outbox rows the relay sent; it reads only unsent ones. */
  public static final Kind SENT_OUTBOX_ROWS =
      new Kind(
          "outbox rows sent",
          """
          DELETE FROM outbox WHERE id IN (
              SELECT id FROM outbox WHERE sent_at < now() - make_interval(secs => ?)
              LIMIT ? FOR UPDATE SKIP LOCKED)""");

  /**
   * Webhook deliveries that ended, delivered or given up, with their attempts (ON DELETE CASCADE);
   * a delivery still being tried stays. The first condition matches the partial index V15 made.
   */
  public static final Kind ENDED_WEBHOOK_DELIVERIES =
      new Kind(
          "webhook deliveries ended",
          """
          DELETE FROM webhook_deliveries WHERE id IN (
              SELECT id FROM webhook_deliveries
              WHERE (delivered_at IS NOT NULL OR given_up_at IS NOT NULL)
                AND coalesce(delivered_at, given_up_at) < now() - make_interval(secs => ?)
              LIMIT ? FOR UPDATE SKIP LOCKED)""");

  /** Rows per statement. */
  static final int CHUNK_ROWS = 10_000;

  /** Time between runs. */
  static final Duration INTERVAL = Duration.ofMinutes(1);

  /**
   * Most statements per run, so that a backlog (a million rows) is worked off over several runs
   * without holding up the calling loop for long.
   */
  static final int MAX_CHUNKS = 100;

  static final int TIMEOUT_SECONDS = 30;

  private static final Logger LOG = Logger.getLogger(ExpiredRows.class);

  private final DataSource dataSource;
  private final Kind kind;
  private final Duration retention;
  private final int chunkRows;
  private final Duration interval;
  private long nextRun = System.nanoTime();

  /**
   * @param retention how long a row is kept after the moment its kind counts from
   */
  public ExpiredRows(DataSource dataSource, Kind kind, Duration retention) {
    this(dataSource, kind, retention, CHUNK_ROWS, INTERVAL);
  }

  ExpiredRows(
      DataSource dataSource, Kind kind, Duration retention, int chunkRows, Duration interval) {
    if (retention.isNegative()) {
      throw new IllegalArgumentException(
          "the retention of " + kind.what() + " must not be negative, got " + retention);
    }
    this.dataSource = dataSource;
    this.kind = kind;
    this.retention = retention;
    this.chunkRows = chunkRows;
    this.interval = interval;
  }

  /** Deletes the expired rows, unless the last run began less than the interval ago. */
  public void runIfDue() {
    long now = System.nanoTime();
    if (now - nextRun < 0) {
      return;
    }
    nextRun = now + interval.toNanos();
    try {
      long deleted = deleteExpired();
      if (deleted > 0) {
        LOG.infof("deleted %d %s more than %s ago", deleted, kind.what(), retention);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(
          "cannot delete %s more than %s ago (%s); will try again in %s",
          kind.what(), retention, e.getMessage(), interval);
    }
  }

  /**
   * Deletes the rows whose retention has passed, a chunk a statement, up to {@value #MAX_CHUNKS}
   * chunks.
   *
   * @return how many it deleted
   */
  long deleteExpired() throws SQLException {
    long deleted = 0;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement delete = connection.prepareStatement(kind.deleteChunk())) {
        delete.setQueryTimeout(TIMEOUT_SECONDS);
        delete.setDouble(1, retention.toMillis() / 1000.0);
        delete.setInt(2, chunkRows);
        for (int chunk = 0; chunk < MAX_CHUNKS; chunk++) {
          int rows = delete.executeUpdate();
          deleted += rows;
          if (rows < chunkRows) {
            return deleted;
          }
        }
      }
    }
    LOG.infof("more %s have expired; the next run deletes them", kind.what());
    return deleted;
  }
}
