package dev.tessera.gateway.batches;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tessera.common.JobState;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.api.BatchResult;
import dev.tessera.gateway.api.BatchView;
import dev.tessera.gateway.jobs.ResultLinks;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Answers a batch's status and results from its jobs' rows, as the scheduler wrote them: the counts
 * in one aggregate over the batch's index, the results streamed through a cursor so that a batch of
 * any size costs the gateway one fetch of rows at a time. Reads only. Thread-safe.
 */
public final class BatchQuery {
  static final int TIMEOUT_SECONDS = 10;

  /** Rows per round trip of the results cursor; also the most of them held at once. */
  static final int FETCH_SIZE = 500;

  private static final String SELECT_COUNTS =
      """
      SELECT b.created_at,
             count(j.id) FILTER (WHERE j.state = 'QUEUED')     AS queued,
             count(j.id) FILTER (WHERE j.state = 'DISPATCHED') AS dispatched,
             count(j.id) FILTER (WHERE j.state = 'RUNNING')    AS running,
             count(j.id) FILTER (WHERE j.state = 'SUCCEEDED')  AS succeeded,
             count(j.id) FILTER (WHERE j.state = 'FAILED')     AS failed,
             count(j.id) FILTER (WHERE j.state = 'CANCELED')   AS canceled,
             count(j.id)                                       AS total
      FROM batches b LEFT JOIN jobs j ON j.batch_id = b.id
      WHERE b.id = ? AND b.tenant_id = ?
      GROUP BY b.id""";
  private static final String SELECT_OWNED = "SELECT 1 FROM batches WHERE id = ? AND tenant_id = ?";
  private static final String SELECT_RESULTS =
      """
      SELECT custom_id, id, state, error, object_key, result_deleted_at IS NOT NULL AS deleted
      FROM jobs WHERE batch_id = ? ORDER BY custom_id""";

  private final DataSource dataSource;
  private final ResultLinks links;
  private final ObjectWriter lines;

  public BatchQuery(DataSource dataSource, ResultLinks links, ObjectMapper mapper) {
    this.dataSource = dataSource;
    this.links = links;
    // One line at a time into one buffer: neither closing nor flushing the response per line.
    this.lines =
        mapper
            .writerFor(BatchResult.class)
            .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
  }

  /** {@code tenant}'s batch with this id, or empty when it has none (another tenant's included). */
  public Optional<BatchView> find(Tenant tenant, UUID id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT_COUNTS)) {
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setObject(1, id);
      select.setObject(2, tenant.id());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        BatchView.RequestCounts counts =
            new BatchView.RequestCounts(
                row.getInt("queued"),
                row.getInt("dispatched"),
                row.getInt("running"),
                row.getInt("succeeded"),
                row.getInt("failed"),
                row.getInt("canceled"),
                row.getInt("total"));
        return Optional.of(
            new BatchView(
                id,
                BatchState.of(counts),
                counts,
                row.getObject("created_at", OffsetDateTime.class).toInstant()));
      }
    }
  }

  /** Whether {@code tenant} has a batch with this id. */
  public boolean owns(Tenant tenant, UUID id) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT_OWNED)) {
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setObject(1, id);
      select.setObject(2, tenant.id());
      try (ResultSet row = select.executeQuery()) {
        return row.next();
      }
    }
  }

  /**
   * The jobs of {@code tenant}'s batch {@code id} that have not ended (queued, dispatched or
   * running).
   */
  public List<UUID> openJobs(Tenant tenant, UUID id) throws SQLException {
    List<UUID> open = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT id FROM jobs WHERE batch_id = ? AND tenant_id = ?"
                    + " AND state IN ('QUEUED', 'DISPATCHED', 'RUNNING')")) {
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setObject(1, id);
      select.setObject(2, tenant.id());
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          open.add(row.getObject(1, UUID.class));
        }
      }
    }
    return open;
  }

  /**
   * Writes one JSON line ({@link BatchResult}) per job of batch {@code id} to {@code out}, in
   * custom_id order, and flushes. The caller has checked that the batch is its tenant's.
   */
  public void writeResults(UUID id, OutputStream out) throws SQLException, IOException {
    OutputStream buffered = new BufferedOutputStream(out, 1 << 16);
    try (Connection connection = dataSource.getConnection()) {
      // PostgreSQL keeps a cursor (and honours the fetch size) only inside a transaction.
      connection.setAutoCommit(false);
      try (PreparedStatement select = connection.prepareStatement(SELECT_RESULTS)) {
        select.setQueryTimeout(TIMEOUT_SECONDS);
        select.setFetchSize(FETCH_SIZE);
        select.setObject(1, id);
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            lines.writeValue(buffered, result(row));
            buffered.write('\n');
          }
        }
      } finally {
        connection.rollback(); // it wrote nothing
      }
    }
    buffered.flush();
  }

  private BatchResult result(ResultSet row) throws SQLException {
    UUID jobId = row.getObject("id", UUID.class);
    JobState state = JobState.valueOf(row.getString("state"));
    String resultUrl =
        state == JobState.SUCCEEDED
            ? links.forKeptResult(jobId, row.getString("object_key"), row.getBoolean("deleted"))
            : null;
    String error =
        state == JobState.FAILED || state == JobState.CANCELED ? row.getString("error") : null;
    return new BatchResult(row.getString("custom_id"), jobId, state, resultUrl, error);
  }
}
