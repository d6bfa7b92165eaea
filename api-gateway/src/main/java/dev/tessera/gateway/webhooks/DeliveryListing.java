package dev.tessera.gateway.webhooks;

import dev.tessera.gateway.api.DeliveryPage;
import dev.tessera.gateway.api.DeliveryView;
import dev.tessera.gateway.jobs.JobCursor;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Lists a tenant's webhook deliveries newest first, with their attempts, a page at a time, by
 * keyset as {@code GET /v1/jobs} pages (the cursor is the last delivery's creation time and id).
 * Only the tenant's own deliveries are ever read. Reads only. Thread-safe.
 */
public final class DeliveryListing {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1000;

  private static final int TIMEOUT_SECONDS = 10;

  private static final String SELECT_ATTEMPTS =
      """
      SELECT delivery_id, at, status, error, duration_ms FROM webhook_attempts
      WHERE delivery_id = ANY (?) ORDER BY delivery_id, at, id""";

  /**
   * Which deliveries, and where to start.
   *
   * @param job only this job's; null for any
   * @param limit at most this many, 1 to {@value #MAX_LIMIT}
   * @param after the previous page's cursor; null for the first page
   */
  public record Query(UUID job, int limit, JobCursor after) {
    public Query {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException(
            "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
      }
    }
  }

  private final DataSource dataSource;

  public DeliveryListing(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** One page of {@code tenantId}'s deliveries that {@code query} asks for. */
  public DeliveryPage page(UUID tenantId, Query query) throws SQLException {
    StringBuilder sql =
        new StringBuilder(
            """
            SELECT id, job_id, event, url, created_at, next_attempt_at, delivered_at, given_up_at
            FROM webhook_deliveries WHERE tenant_id = ?""");
    List<Object> params = new ArrayList<>(List.of(tenantId));
    if (query.job() != null) {
      sql.append(" AND job_id = ?");
      params.add(query.job());
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
      select.setQueryTimeout(TIMEOUT_SECONDS);
      for (int i = 0; i < params.size(); i++) {
        select.setObject(i + 1, params.get(i));
      }
      List<DeliveryView> deliveries = new ArrayList<>();
      boolean more = false;
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          if (deliveries.size() == query.limit()) {
            more = true;
            break;
          }
          deliveries.add(view(row));
        }
      }
      if (deliveries.isEmpty()) {
        return new DeliveryPage(deliveries, null);
      }
      Map<UUID, List<DeliveryView.Attempt>> attempts =
          attempts(connection, deliveries.stream().map(DeliveryView::id).toList());
      List<DeliveryView> page =
          deliveries.stream()
              .map(d -> withAttempts(d, attempts.getOrDefault(d.id(), List.of())))
              .toList();
      DeliveryView last = page.get(page.size() - 1);
      return new DeliveryPage(
          page, more ? new JobCursor(last.createdAt(), last.id()).encode() : null);
    }
  }

  private static DeliveryView view(ResultSet row) throws SQLException {
    Instant deliveredAt = instant(row, "delivered_at");
    Instant givenUpAt = instant(row, "given_up_at");
    boolean pending = deliveredAt == null && givenUpAt == null;
    return new DeliveryView(
        row.getObject("id", UUID.class),
        row.getObject("job_id", UUID.class),
        row.getString("event"),
        row.getString("url"),
        deliveredAt != null ? "delivered" : givenUpAt != null ? "given_up" : "pending",
        instant(row, "created_at"),
        pending ? instant(row, "next_attempt_at") : null,
        deliveredAt,
        givenUpAt,
        List.of());
  }

  private static DeliveryView withAttempts(DeliveryView d, List<DeliveryView.Attempt> attempts) {
    return new DeliveryView(
        d.id(),
        d.jobId(),
        d.type(),
        d.url(),
        d.state(),
        d.createdAt(),
        d.nextAttemptAt(),
        d.deliveredAt(),
        d.givenUpAt(),
        attempts);
  }

  private static Map<UUID, List<DeliveryView.Attempt>> attempts(
      Connection connection, List<UUID> ids) throws SQLException {
    Map<UUID, List<DeliveryView.Attempt>> attempts = new HashMap<>();
    Array idArray = connection.createArrayOf("uuid", ids.toArray());
    try (PreparedStatement select = connection.prepareStatement(SELECT_ATTEMPTS)) {
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setArray(1, idArray);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          attempts
              .computeIfAbsent(row.getObject("delivery_id", UUID.class), id -> new ArrayList<>())
              .add(
                  new DeliveryView.Attempt(
                      instant(row, "at"),
                      row.getObject("status", Integer.class),
                      row.getString("error"),
                      row.getLong("duration_ms")));
        }
      }
    } finally {
      idArray.free();
    }
    return attempts;
  }

  private static Instant instant(ResultSet row, String column) throws SQLException {
    OffsetDateTime at = row.getObject(column, OffsetDateTime.class);
    return at == null ? null : at.toInstant();
  }
}
