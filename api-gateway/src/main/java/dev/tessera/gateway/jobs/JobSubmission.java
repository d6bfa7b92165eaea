package dev.tessera.gateway.jobs;

import dev.tessera.common.Json;
import dev.tessera.common.QueueSignal;
import dev.tessera.common.RenderJob;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.api.JobView;
import dev.tessera.gateway.http.RequestId;
import dev.tessera.gateway.metrics.SubmittedJobs;
import dev.tessera.gateway.quota.QueuedLimit;
import dev.tessera.gateway.webhooks.Webhook;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Accepts a job: validates it, then stores its {@code jobs} row, QUEUED, and in the same
 * transaction sends the {@link QueueSignal} for its model, so the scheduler hears of the job
 * exactly when it is committed, and counts it once committed. The scheduler dispatches it to Kafka
 * when its turn comes; this class never talks to Kafka. Thread-safe.
 */
public final class JobSubmission {
  private static final String INSERT_JOB =
      """
      INSERT INTO jobs (id, tenant_id, model, settings, upscale, target_size, priority, state,
                        version, attempt, created_at, updated_at, webhook_url, webhook_events,
                        request_id)
      VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, 'QUEUED', 0, 0, ?, ?, ?, ?, ?)""";

  private static final int TIMEOUT_SECONDS = 10;

  private static final Logger LOG = Logger.getLogger(JobSubmission.class);

  private final DataSource dataSource;
  private final SubmissionRules rules;
  private final SubmittedJobs submitted;
  private final Clock clock;

  public JobSubmission(
      DataSource dataSource, SubmissionRules rules, SubmittedJobs submitted, Clock clock) {
    this.dataSource = dataSource;
    this.rules = rules;
    this.submitted = submitted;
    this.clock = clock;
  }

  /**
   * Stores the job {@code request} asks for, queued, as {@code tenant}'s.
   *
   * @param alsoInTransaction runs in the transaction, after the rows are written
   * @throws InvalidJobException before anything is written, when a field is invalid
   * @throws dev.tessera.gateway.quota.QuotaExceededException when the tenant has {@code max_queued}
   *     jobs waiting
   * @throws SQLException when the database fails; then the job does not exist
   */
  public JobView submit(Tenant tenant, JobRequest request, InTransaction<JobView> alsoInTransaction)
      throws SQLException {
    // PostgreSQL keeps microseconds: truncate so the answer and the row show the same instant.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    QueuedJob job = rules.toJob(request, JobIds.next(), now);
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        QueuedLimit.reserve(connection, tenant, 1);
        insertJob(connection, tenant, job);
        QueueSignal.send(connection, job.render().model());
        alsoInTransaction.run(connection, JobView.queued(job));
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
    submitted.add(tenant, job.render().model(), 1);
    LOG.infof("job %s queued (model %s)", job.render().jobId(), job.render().model());
    return JobView.queued(job);
  }

  private static void insertJob(Connection connection, Tenant tenant, QueuedJob queued)
      throws SQLException {
    RenderJob job = queued.render();
    OffsetDateTime at = OffsetDateTime.ofInstant(job.submittedAt(), ZoneOffset.UTC);
    try (PreparedStatement insert = connection.prepareStatement(INSERT_JOB)) {
      insert.setQueryTimeout(TIMEOUT_SECONDS);
      insert.setObject(1, job.jobId());
      insert.setObject(2, tenant.id());
      insert.setString(3, job.model());
      insert.setString(4, new String(Json.encode(job.settings()), StandardCharsets.UTF_8));
      insert.setString(5, job.upscale());
      insert.setInt(6, job.targetSize());
      insert.setInt(7, queued.priority());
      insert.setObject(8, at);
      insert.setObject(9, at);
      Webhook webhook = queued.webhook();
      insert.setString(10, webhook == null ? null : webhook.url());
      insert.setArray(
          11,
          webhook == null
              ? null
              : connection.createArrayOf("text", webhook.eventNames().toArray()));
      insert.setString(12, RequestId.current());
      insert.executeUpdate();
    }
  }
}
