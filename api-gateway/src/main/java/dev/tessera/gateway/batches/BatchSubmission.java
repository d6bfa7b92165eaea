package dev.tessera.gateway.batches;

import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.api.BatchView;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Accepts a batch, all or nothing: checks every job first ({@link BatchRules}), then writes the
 * batch row and every job's {@code jobs} and {@code outbox} rows in one transaction ({@link
 * BatchInsert}), so each job exists exactly when its queue message is due, as for a single job.
 * Thread-safe.
 */
public final class BatchSubmission {
  private final DataSource dataSource;
  private final BatchRules rules;
  private final Clock clock;
  private final Runnable afterCommit;

  /**
   * @param afterCommit runs after each committed batch, e.g. to wake the outbox relay
   */
  public BatchSubmission(
      DataSource dataSource, BatchRules rules, Clock clock, Runnable afterCommit) {
    this.dataSource = dataSource;
    this.rules = rules;
    this.clock = clock;
    this.afterCommit = afterCommit;
  }

  /**
   * Stores the jobs {@code body} asks for, queued, as {@code tenant}'s new batch.
   *
   * @throws InvalidBatchException before anything is written, when any job is invalid
   * @throws SQLException when the database fails; then nothing of the batch exists
   */
  public BatchView submit(Tenant tenant, BatchBody body) throws SQLException {
    // PostgreSQL keeps microseconds: the answer, the rows and the messages show the same instant.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    List<BatchJob> jobs = rules.toJobs(body, now);
    UUID id = UUID.randomUUID();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        BatchInsert.write(connection, id, tenant.id(), now, jobs);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
    afterCommit.run();
    return BatchView.queued(id, jobs.size(), now);
  }
}
