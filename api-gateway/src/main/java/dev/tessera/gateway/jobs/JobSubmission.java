package dev.tessera.gateway.jobs;

import dev.tessera.common.Json;
import dev.tessera.common.RenderJob;
import dev.tessera.common.Topics;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.api.JobView;
import dev.tessera.gateway.quota.QueuedLimit;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Accepts a job: validates it, then stores its {@code jobs} row and its {@code outbox} row in one
 * transaction, so the job exists exactly when its queue message is due. The outbox relay publishes
 * the message later; this class never talks to Kafka. Thread-safe.
 */
public final class JobSubmission {
  private static final String INSERT_JOB =
      """
      INSERT INTO jobs (id, tenant_id, model, settings, upscale, target_size, state, version, attempt,
                        created_at, updated_at)
      VALUES (?, ?, ?, ?::jsonb, ?, ?, 'QUEUED', 0, 0, ?, ?)""";
  private static final String INSERT_OUTBOX =
      """
      INSERT INTO outbox (topic, key, payload, created_at) VALUES (?, ?, ?, ?)""";

  private static final int TIMEOUT_SECONDS = 10;

  private final DataSource dataSource;
  private final SubmissionRules rules;
  private final Clock clock;
  private final Runnable afterCommit;

  /**
   * @param afterCommit runs after each committed job, e.g. to wake the relay instead of waiting for
   *     its next poll
   */
  public JobSubmission(
      DataSource dataSource, SubmissionRules rules, Clock clock, Runnable afterCommit) {
    this.dataSource = dataSource;
    this.rules = rules;
    this.clock = clock;
    this.afterCommit = afterCommit;
  }

  /**
   * Stores the job {@code request} asks for, queued, as {@code tenant}'s.
   *
   * @param alsoInTransaction runs in the transaction, after the rows are written
   * @throws InvalidJobException before anything is written, when a field is invalid
   * @throws dev.tessera.gateway.quota.QuotaExceededException when the tenant has {@code max_queued}
   *     jobs waiting
   * @throws SQLException when the database fails; then neither row exists
   */
  public JobView submit(Tenant tenant, JobRequest request, InTransaction<JobView> alsoInTransaction)
      throws SQLException {
    // PostgreSQL keeps microseconds: truncate so the answer, the row and the message show the same
    // instant.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    RenderJob job = rules.toJob(request, UUID.randomUUID(), now);
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        QueuedLimit.reserve(connection, tenant, 1);
        insertJob(connection, tenant, job);
        insertOutbox(connection, job);
        alsoInTransaction.run(connection, JobView.queued(job));
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
    afterCommit.run();
    return JobView.queued(job);
  }

  private static void insertJob(Connection connection, Tenant tenant, RenderJob job)
      throws SQLException {
    OffsetDateTime at = OffsetDateTime.ofInstant(job.submittedAt(), ZoneOffset.UTC);
    try (PreparedStatement insert = connection.prepareStatement(INSERT_JOB)) {
      insert.setQueryTimeout(TIMEOUT_SECONDS);
      insert.setObject(1, job.jobId());
      insert.setObject(2, tenant.id());
      insert.setString(3, job.model());
      insert.setString(4, new String(Json.encode(job.settings()), StandardCharsets.UTF_8));
      insert.setString(5, job.upscale());
      insert.setInt(6, job.targetSize());
      insert.setObject(7, at);
      insert.setObject(8, at);
      insert.executeUpdate();
    }
  }

  private static void insertOutbox(Connection connection, RenderJob job) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(INSERT_OUTBOX)) {
      insert.setQueryTimeout(TIMEOUT_SECONDS);
      insert.setString(1, Topics.jobs(job.model()));
      insert.setString(2, job.jobId().toString());
      insert.setBytes(3, Json.encode(job));
      insert.setObject(4, OffsetDateTime.ofInstant(job.submittedAt(), ZoneOffset.UTC));
      insert.executeUpdate();
    }
  }
}
