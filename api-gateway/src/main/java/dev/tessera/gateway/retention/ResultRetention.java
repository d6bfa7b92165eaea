package dev.tessera.gateway.retention;

import dev.tessera.common.JobState;
import dev.tessera.gateway.compat.EndedJob;
import dev.tessera.gateway.compat.ResultImages;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Deletes the results of jobs that succeeded more than the retention ago: each job's PNG and the
 * images derived from it (previews, the compatibility APIs' variants), then marks the job ({@code
 * result_deleted_at}, a new version), so that its status shows no {@code result_url} and says when
 * the result went. A job is marked only once its objects are gone, in the transaction that locked
 * it: a failure (S3 or the database down) leaves it as it was, for the next run. Replicas take
 * disjoint jobs (SKIP LOCKED). Runs about once a {@link #INTERVAL} on its own thread, a chunk of
 * jobs a transaction; off when the retention is zero.
 *
 * <p>Lifetime: {@link #start()} once; {@link #close()} stops the thread, letting a chunk under way
 * end.
 */
public final class ResultRetention implements AutoCloseable {
  /** Time between runs. */
  static final Duration INTERVAL = Duration.ofMinutes(1);

  /** Jobs per transaction (and per S3 delete request, with their derived images). */
  static final int CHUNK_JOBS = 100;

  /** Most chunks per run, so that a backlog is worked off over several runs. */
  static final int MAX_CHUNKS = 50;

  private static final int TIMEOUT_SECONDS = 30;

  private static final Logger LOG = Logger.getLogger(ResultRetention.class);

  private static final String SELECT_EXPIRED =
      """
      SELECT id, object_key FROM jobs
      WHERE state = 'SUCCEEDED' AND result_deleted_at IS NULL
        AND finished_at < now() - make_interval(secs => ?)
      ORDER BY finished_at LIMIT ? FOR UPDATE SKIP LOCKED""";

  // A new version: the gateways' caches and the clients' ETags see the change.
  private static final String MARK_DELETED =
      """
      UPDATE jobs SET result_deleted_at = now(), version = version + 1, updated_at = now()
      WHERE id = ANY (?) AND state = 'SUCCEEDED' AND result_deleted_at IS NULL""";

  private final DataSource dataSource;
  private final ResultImages images;
  private final Duration retention;
  private final int chunkJobs;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final Thread thread;

  /**
   * @param retention how long after it finished a job's result is kept; zero keeps every result
   */
  public ResultRetention(DataSource dataSource, ResultImages images, Duration retention) {
    this(dataSource, images, retention, CHUNK_JOBS);
  }

  ResultRetention(DataSource dataSource, ResultImages images, Duration retention, int chunkJobs) {
    if (retention.isNegative()) {
      throw new IllegalArgumentException(
          "the result retention must not be negative, got " + retention);
    }
    this.dataSource = dataSource;
    this.images = images;
    this.retention = retention;
    this.chunkJobs = chunkJobs;
    this.thread = new Thread(this::run, "result-retention");
    thread.setDaemon(true);
  }

  /** Starts the runs, unless the retention is zero (results are kept). */
  public void start() {
    if (retention.isZero()) {
      LOG.info("results are kept: no result retention set");
      return;
    }
    LOG.infof("results are deleted %s after their job finished", retention);
    thread.start();
  }

  private void run() {
    try {
      do {
        try {
          long deleted = deleteExpired();
          if (deleted > 0) {
            LOG.infof(
                "deleted the results of %d jobs finished more than %s ago", deleted, retention);
          }
        } catch (SQLException | IOException | RuntimeException e) {
          LOG.warnf(
              "cannot delete results older than %s (%s); will try again in %s",
              retention, e.getMessage(), INTERVAL);
        }
      } while (!stopping.await(INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Deletes the results whose retention has passed, a chunk a transaction, up to {@value
   * #MAX_CHUNKS} chunks.
   *
   * @return how many jobs' results it deleted
   */
  long deleteExpired() throws SQLException, IOException {
    long deleted = 0;
    for (int chunk = 0; chunk < MAX_CHUNKS && stopping.getCount() > 0; chunk++) {
      int jobs = deleteChunk();
      deleted += jobs;
      if (jobs < chunkJobs) {
        return deleted;
      }
    }
    return deleted;
  }

  private int deleteChunk() throws SQLException, IOException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<EndedJob> expired = expired(c);
        if (!expired.isEmpty()) {
          images.delete(expired);
          try (PreparedStatement mark = c.prepareStatement(MARK_DELETED)) {
            mark.setQueryTimeout(TIMEOUT_SECONDS);
            mark.setArray(1, c.createArrayOf("uuid", expired.stream().map(EndedJob::id).toArray()));
            mark.executeUpdate();
          }
        }
        c.commit();
        return expired.size();
      } catch (SQLException | IOException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private List<EndedJob> expired(Connection c) throws SQLException {
    List<EndedJob> expired = new ArrayList<>();
    try (PreparedStatement select = c.prepareStatement(SELECT_EXPIRED)) {
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setDouble(1, retention.toMillis() / 1000.0);
      select.setInt(2, chunkJobs);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          expired.add(
              new EndedJob(
                  row.getObject("id", UUID.class),
                  JobState.SUCCEEDED,
                  row.getString("object_key"),
                  null));
        }
      }
    }
    return expired;
  }

  @Override
  public void close() {
    stopping.countDown();
    try {
      thread.join(Duration.ofSeconds(TIMEOUT_SECONDS * 2L).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
