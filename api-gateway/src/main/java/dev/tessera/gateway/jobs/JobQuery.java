package dev.tessera.gateway.jobs;

import dev.tessera.common.JobState;
import dev.tessera.common.Json;
import dev.tessera.common.RenderSettings;
import dev.tessera.common.StageTimings;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.api.JobView;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Answers job status from PostgreSQL as the scheduler wrote it: one primary-key lookup and one for
 * the stage timings, so clients may poll often. Reads only. Thread-safe.
 */
public final class JobQuery {
  private static final String SELECT_JOB =
      """
      SELECT model, settings, upscale, state, attempt, progress_step, progress_total, error, object_key,
             created_at, started_at, finished_at, c.requested_at AS cancel_requested_at
      FROM jobs LEFT JOIN job_cancellations c ON c.job_id = jobs.id
      WHERE jobs.id = ? AND jobs.tenant_id = ?""";
  private static final String SELECT_TIMINGS =
      """
      SELECT stage, millis, detail FROM job_timings WHERE job_id = ? ORDER BY position""";

  private final DataSource dataSource;
  private final ResultLinks links;

  public JobQuery(DataSource dataSource, ResultLinks links) {
    this.dataSource = dataSource;
    this.links = links;
  }

  /** Where a job's result is stored when its row names no object (the workers' convention). */
  public static String defaultResultKey(UUID jobId) {
    return "results/" + jobId + ".png";
  }

  /**
   * {@code tenant}'s job with this id, or empty when it has none (another tenant's job included).
   */
  public Optional<JobView> find(Tenant tenant, UUID id) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement select = connection.prepareStatement(SELECT_JOB)) {
        select.setObject(1, id);
        select.setObject(2, tenant.id());
        try (ResultSet row = select.executeQuery()) {
          return row.next()
              ? Optional.of(view(id, row, timings(connection, id)))
              : Optional.empty();
        }
      }
    }
  }

  private JobView view(UUID id, ResultSet row, List<StageTimings.Entry> timings)
      throws SQLException {
    JobState state = JobState.valueOf(row.getString("state"));
    RenderSettings settings =
        Json.decode(
            row.getString("settings").getBytes(StandardCharsets.UTF_8), RenderSettings.class);
    Integer step = row.getObject("progress_step", Integer.class);
    Integer total = row.getObject("progress_total", Integer.class);
    // Progress of an earlier attempt means nothing once the job is queued again or finished.
    JobView.Progress progress =
        state == JobState.RUNNING && step != null && total != null
            ? new JobView.Progress(step, total)
            : null;
    String objectKey = row.getString("object_key");
    String resultUrl =
        state == JobState.SUCCEEDED
            ? links.presignedGet(objectKey != null ? objectKey : defaultResultKey(id))
            : null;
    return new JobView(
        id,
        state,
        row.getInt("attempt"),
        instant(row, "created_at"),
        instant(row, "started_at"),
        instant(row, "finished_at"),
        instant(row, "cancel_requested_at"),
        progress,
        timings,
        row.getString("error"),
        resultUrl,
        JobRequest.of(row.getString("model"), settings, row.getString("upscale")));
  }

  private static List<StageTimings.Entry> timings(Connection connection, UUID id)
      throws SQLException {
    List<StageTimings.Entry> timings = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(SELECT_TIMINGS)) {
      select.setObject(1, id);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          timings.add(
              new StageTimings.Entry(
                  rows.getString("stage"), rows.getDouble("millis"), rows.getString("detail")));
        }
      }
    }
    return timings;
  }

  private static Instant instant(ResultSet row, String column) throws SQLException {
    OffsetDateTime at = row.getObject(column, OffsetDateTime.class);
    return at == null ? null : at.toInstant();
  }
}
