package dev.tessera.gateway.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Deletes outbox rows sent more than the retention ago. The relay reads only unsent rows, so sent
 * ones are kept just long enough to look into a recent delivery; without this the table and its
 * {@code sent_at} index would grow forever. Deletes in chunks, each one statement under a timeout
 * that commits on its own, so no statement runs long or holds many row locks; at most once per
 * interval. A failure is logged and tried again an interval later: nothing here throws into the
 * relay. Not thread-safe: the relay's thread calls it.
 */
public final class SentRowCleanup {
  /** Rows per statement. */
  static final int CHUNK_ROWS = 10_000;

  /** Time between runs. */
  static final Duration INTERVAL = Duration.ofMinutes(1);

  /**
   * Most statements per run, so that a backlog (a million rows) is worked off over several runs
   * without holding up the relay's passes for long.
   */
  static final int MAX_CHUNKS = 100;

  static final int TIMEOUT_SECONDS = 30;

  private static final Logger LOG = Logger.getLogger(SentRowCleanup.class);

  // SKIP LOCKED: replicas cleaning at the same moment take disjoint rows instead of waiting.
  private static final String DELETE_CHUNK =
      """
      DELETE FROM outbox WHERE id IN (
          SELECT id FROM outbox WHERE sent_at < now() - make_interval(secs => ?)
          LIMIT ? FOR UPDATE SKIP LOCKED)""";

  private final DataSource dataSource;
  private final Duration retention;
  private final int chunkRows;
  private final Duration interval;
  private long nextRun = System.nanoTime();

  /**
   * @param retention how long a sent row is kept
   */
  public SentRowCleanup(DataSource dataSource, Duration retention) {
    this(dataSource, retention, CHUNK_ROWS, INTERVAL);
  }

  SentRowCleanup(DataSource dataSource, Duration retention, int chunkRows, Duration interval) {
    if (retention.isNegative()) {
      throw new IllegalArgumentException("outbox retention must not be negative, got " + retention);
    }
    this.dataSource = dataSource;
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
        LOG.infof("deleted %d outbox rows sent more than %s ago", deleted, retention);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(
          "cannot delete sent outbox rows (%s); will try again in %s", e.getMessage(), interval);
    }
  }

  /**
   * Deletes rows sent more than the retention ago, a chunk a statement, up to {@value #MAX_CHUNKS}
   * chunks.
   *
   * @return how many it deleted
   */
  long deleteExpired() throws SQLException {
    long deleted = 0;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement delete = connection.prepareStatement(DELETE_CHUNK)) {
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
    LOG.infof("more sent outbox rows have expired; the next run deletes them");
    return deleted;
  }
}
