package dev.tessera.gateway.batches;

import dev.tessera.common.Json;
import dev.tessera.common.RenderJob;
import dev.tessera.gateway.http.RequestId;
import dev.tessera.gateway.webhooks.Webhook;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Writes a batch's rows on a connection whose transaction the caller owns: the {@code batches} row,
 * then every job's {@code jobs} row in one binary {@code COPY} streamed to the server, so 10,000
 * jobs cost two round trips rather than 10,000. The jobs' rows are the ones {@code JobSubmission}
 * writes for a single job, plus the batch columns.
 */
final class BatchInsert {
  /**
   * Bounds every statement of the transaction, the COPY included (a JDBC query timeout does not
   * reach it).
   */
  static final String STATEMENT_TIMEOUT = "30s";

  static final int TIMEOUT_SECONDS = 30;

  private static final String SET_TIMEOUT = "SELECT set_config('statement_timeout', ?, true)";
  private static final String INSERT_BATCH =
      "INSERT INTO batches (id, tenant_id, job_count, created_at) VALUES (?, ?, ?, ?)";
  private static final String COPY_JOBS =
      """
      COPY jobs (id, tenant_id, batch_id, custom_id, model, settings, upscale, target_size,
                 priority, state, created_at, updated_at, webhook_url, webhook_events, request_id)
      FROM STDIN (FORMAT binary)""";
  private static final int JOB_FIELDS = 15;
  private static final int COPY_BUFFER = 1 << 16;

  private BatchInsert() {}

  /**
   * Writes batch {@code batchId} of {@code tenantId}, made at {@code createdAt}, and its jobs.
   *
   * @throws SQLException when the database refuses any of it; the caller rolls back
   */
  static void write(
      Connection connection, UUID batchId, UUID tenantId, Instant createdAt, List<BatchJob> jobs)
      throws SQLException {
    try (PreparedStatement timeout = connection.prepareStatement(SET_TIMEOUT)) {
      timeout.setQueryTimeout(TIMEOUT_SECONDS);
      timeout.setString(1, STATEMENT_TIMEOUT);
      timeout.execute();
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT_BATCH)) {
      insert.setQueryTimeout(TIMEOUT_SECONDS);
      insert.setObject(1, batchId);
      insert.setObject(2, tenantId);
      insert.setInt(3, jobs.size());
      insert.setObject(4, OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC));
      insert.executeUpdate();
    }
    PGConnection pg = connection.unwrap(PGConnection.class);
    String requestId = RequestId.current();
    copy(pg, COPY_JOBS, rows -> writeJobs(rows, batchId, tenantId, requestId, jobs));
  }

  /** Every job of the batch, each with the submitting request's id (or none, outside a request). */
  private static void writeJobs(
      BinaryCopyWriter rows, UUID batchId, UUID tenantId, String requestId, List<BatchJob> jobs)
      throws IOException {
    for (BatchJob batchJob : jobs) {
      RenderJob job = batchJob.job().render();
      rows.row(JOB_FIELDS)
          .uuid(job.jobId())
          .uuid(tenantId)
          .uuid(batchId)
          .text(batchJob.customId())
          .text(job.model())
          .jsonb(Json.encode(job.settings()))
          .text(job.upscale())
          .int4(job.targetSize())
          .int2(batchJob.job().priority())
          .text("QUEUED")
          .timestamptz(job.submittedAt())
          .timestamptz(job.submittedAt());
      Webhook webhook = batchJob.job().webhook();
      if (webhook == null) {
        rows.nothing().nothing();
      } else {
        rows.text(webhook.url()).textArray(webhook.eventNames());
      }
      if (requestId == null) {
        rows.nothing();
      } else {
        rows.text(requestId);
      }
    }
  }

  private interface Rows {
    void write(BinaryCopyWriter rows) throws IOException;
  }

  private static void copy(PGConnection pg, String sql, Rows rows) throws SQLException {
    PGCopyOutputStream stream = new PGCopyOutputStream(pg, sql, COPY_BUFFER);
    try {
      BinaryCopyWriter writer = new BinaryCopyWriter(stream);
      rows.write(writer);
      writer.finish();
      stream.endCopy();
    } catch (IOException e) {
      // The stream reports the server's refusal as an IOException around the SQLException.
      throw e.getCause() instanceof SQLException refusal
          ? refusal
          : new SQLException(e.getMessage(), e);
    } finally {
      // A COPY left open makes the connection unusable, even for the caller's rollback.
      if (stream.isActive()) {
        stream.cancelCopy();
      }
    }
  }
}
