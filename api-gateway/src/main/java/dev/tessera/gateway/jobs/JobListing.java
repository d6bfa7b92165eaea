package dev.tessera.gateway.jobs;

import dev.tessera.common.JobState;
import dev.tessera.common.StageTimings;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.api.JobPage;
import dev.tessera.gateway.api.JobView;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Lists a tenant's jobs newest first, a page at a time, by keyset: each page starts below the last
 * (created_at, id) of the one before, so a page costs the same however deep it is, and jobs
 * submitted meanwhile (newer than every listed one) neither shift nor repeat the pages still to
 * come. Each filter has an index that yields its rows in this order (see the migrations). Reads
 * only. Thread-safe.
 */
public final class JobListing {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  /**
   * Which jobs, and where to start.
   *
   * @param batch only this batch's jobs; null for any
   * @param state only jobs in this state; null for any
   * @param limit at most this many jobs, 1 to {@value #MAX_LIMIT}
   * @param after the previous page's cursor; null for the first page
   */
  public record Query(UUID batch, JobState state, int limit, JobCursor after) {
    public Query {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException(
            "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
      }
    }
  }

  private final DataSource dataSource;
  private final JobRows rows;

  public JobListing(DataSource dataSource, ResultLinks links) {
    this.dataSource = dataSource;
    this.rows = new JobRows(links);
  }

  /** One page of {@code tenant}'s jobs that {@code query} asks for. */
  public JobPage page(Tenant tenant, Query query) throws SQLException {
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(JobRows.COLUMNS)
            .append(" FROM ")
            .append(JobRows.FROM)
            .append(" WHERE tenant_id = ?");
    List<Object> params = new ArrayList<>(List.of(tenant.id()));
    if (query.batch() != null) {
      sql.append(" AND batch_id = ?");
      params.add(query.batch());
    }
    if (query.state() != null) {
      sql.append(" AND state = ?");
      params.add(query.state().name());
    }
    if (query.after() != null) {
      sql.append(" AND (created_at, id) < (?, ?)");
      params.add(OffsetDateTime.ofInstant(query.after().createdAt(), ZoneOffset.UTC));
      params.add(query.after().id());
    }
    // One row past the page tells whether another page follows.
    sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
    params.add(query.limit() + 1);

    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(sql.toString())) {
      select.setQueryTimeout(JobRows.TIMEOUT_SECONDS);
      for (int i = 0; i < params.size(); i++) {
        select.setObject(i + 1, params.get(i));
      }
      List<UUID> ids = new ArrayList<>();
      List<JobView> jobs = new ArrayList<>();
      boolean more = false;
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          if (jobs.size() == query.limit()) {
            more = true;
            break;
          }
          // Timings come in one query for the whole page, below.
          JobView job = rows.view(row, List.of());
          ids.add(job.id());
          jobs.add(job);
        }
      }
      if (jobs.isEmpty()) {
        return new JobPage(jobs, null);
      }
      Map<UUID, List<StageTimings.Entry>> timings = JobRows.timings(connection, ids);
      List<JobView> page =
          jobs.stream()
              .map(job -> job.withTimings(timings.getOrDefault(job.id(), List.of())))
              .toList();
      JobView last = page.get(page.size() - 1);
      return new JobPage(page, more ? new JobCursor(last.createdAt(), last.id()).encode() : null);
    }
  }
}
