package dev.tessera.gateway.jobs;

import dev.tessera.common.JobState;
import dev.tessera.common.Json;
import dev.tessera.common.RenderSettings;
import dev.tessera.common.StageTimings;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.api.JobView;
import dev.tessera.gateway.webhooks.Webhook;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns {@code jobs} rows, as the scheduler wrote them, into the {@link JobView}s clients see; one
 * place for the queries that show one job or a page of them. Thread-safe.
 */
final class JobRows {
  /** Every column {@link #view} reads, for a SELECT list. */
  static final String COLUMNS =
      """
      id, batch_id, custom_id, model, settings, upscale, state, priority, attempt, progress_step,
      progress_total, error, object_key, result_deleted_at, created_at, started_at, finished_at,
      webhook_url, webhook_events, c.requested_at AS cancel_requested_at""";

  /** The tables {@link #COLUMNS} come from: a job and its cancel request, if any. */
  static final String FROM = "jobs LEFT JOIN job_cancellations c ON c.job_id = jobs.id";

  /** Seconds any statement of a status query may take. */
  static final int TIMEOUT_SECONDS = 10;

  private static final String SELECT_TIMINGS =
      """
      SELECT job_id, stage, millis, detail FROM job_timings WHERE job_id = ANY (?)
      ORDER BY job_id, position""";

  private static final Logger LOG = Logger.getLogger(JobRows.class);

  private final ResultLinks links;

  JobRows(ResultLinks links) {
    this.links = links;
  }

  /** The job in the current row of {@code row}, with its {@code timings}. */
  JobView view(ResultSet row, List<StageTimings.Entry> timings) throws SQLException {
    UUID id = row.getObject("id", UUID.class);
    JobState state = JobState.valueOf(row.getString("state"));
    RenderSettings settings = settings(id, row.getString("settings"));
    Integer step = row.getObject("progress_step", Integer.class);
    Integer total = row.getObject("progress_total", Integer.class);
    // Progress of an earlier attempt means nothing once the job is queued again or finished.
    JobView.Progress progress =
        state == JobState.RUNNING && step != null && total != null
            ? new JobView.Progress(step, total)
            : null;
    Instant resultDeletedAt = instant(row, "result_deleted_at");
    String resultUrl =
        state == JobState.SUCCEEDED
            ? links.forKeptResult(id, row.getString("object_key"), resultDeletedAt != null)
            : null;
    return new JobView(
        id,
        row.getObject("batch_id", UUID.class),
        row.getString("custom_id"),
        state,
        row.getInt("priority"),
        row.getInt("attempt"),
        instant(row, "created_at"),
        instant(row, "started_at"),
        instant(row, "finished_at"),
        instant(row, "cancel_requested_at"),
        progress,
        timings,
        row.getString("error"),
        resultUrl,
        resultDeletedAt,
        settings == null
            ? null
            : JobRequest.of(
                row.getString("model"),
                settings,
                row.getString("upscale"),
                row.getInt("priority"),
                webhook(row)));
  }

  /**
   * The stored settings, or null when they cannot be read (a row written by hand or by an older
   * version; the scheduler fails such a job): the job is still shown, without its request, rather
   * than its owner getting a 500.
   */
  private static RenderSettings settings(UUID id, String stored) {
    try {
      return Json.decode(stored.getBytes(StandardCharsets.UTF_8), RenderSettings.class);
    } catch (IllegalArgumentException e) {
      LOG.warnf("job %s: stored settings cannot be read: %s", id, e.getMessage());
      return null;
    }
  }

  private static Webhook webhook(ResultSet row) throws SQLException {
    Array events = row.getArray("webhook_events");
    return events == null
        ? null
        : Webhook.stored(row.getString("webhook_url"), (String[]) events.getArray());
  }

  /**
   * The stage timings of every job in {@code ids}, in the order they ran, in one query; jobs
   * without timings are left out.
   */
  static Map<UUID, List<StageTimings.Entry>> timings(Connection connection, Collection<UUID> ids)
      throws SQLException {
    Map<UUID, List<StageTimings.Entry>> timings = new HashMap<>();
    Array idArray = connection.createArrayOf("uuid", ids.toArray());
    try (PreparedStatement select = connection.prepareStatement(SELECT_TIMINGS)) {
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setArray(1, idArray);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          timings
              .computeIfAbsent(rows.getObject("job_id", UUID.class), id -> new ArrayList<>())
              .add(
                  new StageTimings.Entry(
                      rows.getString("stage"), rows.getDouble("millis"), rows.getString("detail")));
        }
      }
    } finally {
      idArray.free();
    }
    return timings;
  }

  static Instant instant(ResultSet row, String column) throws SQLException {
    OffsetDateTime at = row.getObject(column, OffsetDateTime.class);
    return at == null ? null : at.toInstant();
  }
}
