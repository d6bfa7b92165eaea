package dev.tessera.gateway.batches;

import dev.tessera.common.QueueSignal;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.api.BatchView;
import dev.tessera.gateway.jobs.InTransaction;
import dev.tessera.gateway.metrics.SubmittedJobs;
import dev.tessera.gateway.quota.QueuedLimit;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Accepts a batch, all or nothing: checks every job first ({@link BatchRules}), then writes the
 * batch row and every job's {@code jobs} row ({@link BatchInsert}) and sends one {@link
 * QueueSignal} per model of the batch, all in one transaction, so the scheduler hears of the jobs
 * exactly when they are committed, as for a single job; the jobs are counted once committed.
 * Thread-safe.
 */
public final class BatchSubmission {
  private final DataSource dataSource;
  private final BatchRules rules;
  private final SubmittedJobs submitted;
  private final Clock clock;

  public BatchSubmission(
      DataSource dataSource, BatchRules rules, SubmittedJobs submitted, Clock clock) {
    this.dataSource = dataSource;
    this.rules = rules;
    this.submitted = submitted;
    this.clock = clock;
  }

  /**
   * Stores the jobs {@code body} asks for, queued, as {@code tenant}'s new batch.
   *
   * @param alsoInTransaction runs in the transaction, after the rows are written
   * @throws InvalidBatchException before anything is written, when any job is invalid
   * @throws dev.tessera.gateway.quota.QuotaExceededException when the batch would leave more than
   *     the tenant's {@code max_queued} jobs waiting; then nothing is written
   * @throws SQLException when the database fails; then nothing of the batch exists
   */
  public BatchView submit(Tenant tenant, BatchBody body, InTransaction<BatchView> alsoInTransaction)
      throws SQLException {
    // PostgreSQL keeps microseconds: the answer and the rows show the same instant.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    List<BatchJob> jobs = rules.toJobs(body, now);
    UUID id = UUID.randomUUID();
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        QueuedLimit.reserve(connection, tenant, jobs.size());
        BatchInsert.write(connection, id, tenant.id(), now, jobs);
        for (String model : models(jobs)) {
          QueueSignal.send(connection, model);
        }
        alsoInTransaction.run(connection, BatchView.queued(id, jobs.size(), now));
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
    perModel(jobs).forEach((model, n) -> submitted.add(tenant, model, n));
    return BatchView.queued(id, jobs.size(), now);
  }

  private static Set<String> models(List<BatchJob> jobs) {
    return perModel(jobs).keySet();
  }

  private static Map<String, Integer> perModel(List<BatchJob> jobs) {
    Map<String, Integer> counts = new TreeMap<>();
    jobs.forEach(job -> counts.merge(job.job().render().model(), 1, Integer::sum));
    return counts;
  }
}
