package dev.tessera.gateway.webhooks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.common.Json;
import dev.tessera.gateway.jobs.ResultLinks;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.DoubleSupplier;
import javax.sql.DataSource;

/**
 * The {@code webhook_deliveries} queue that the jobs trigger fills (see V8__webhooks.sql), as the
 * sender works it. A claim takes due deliveries with {@code FOR UPDATE SKIP LOCKED}, so replicas
 * take disjoint ones, and leases them by moving their next attempt past the attempt's longest
 * duration: a sender that dies mid-attempt leaves its deliveries to be tried again when the lease
 * ends (at least once). The first claim of a delivery fixes its body: the trigger's event, with a
 * freshly signed {@code result_url} for a job that succeeded, so every retry sends the same bytes.
 * Thread-safe.
 */
public final class DeliveryQueue {
  private static final int TIMEOUT_SECONDS = 10;

  private static final String SELECT_DUE =
      """
      SELECT d.id, d.tenant_id, d.job_id, d.event, d.url, d.payload, d.body, d.attempts,
             j.object_key, j.result_deleted_at IS NOT NULL AS result_deleted, t.webhook_secret
      FROM webhook_deliveries d
        JOIN jobs j ON j.id = d.job_id
        JOIN tenants t ON t.id = d.tenant_id
      WHERE d.delivered_at IS NULL AND d.given_up_at IS NULL AND d.next_attempt_at <= now()
      ORDER BY d.next_attempt_at
      LIMIT ?
      FOR UPDATE OF d SKIP LOCKED""";

  private static final String LEASE =
      """
      UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => ?),
                                    body = coalesce(body, ?)
      WHERE id = ?""";

  private static final String INSERT_ATTEMPT =
      """
      INSERT INTO webhook_attempts (delivery_id, at, status, error, duration_ms)
      VALUES (?, ?, ?, ?, ?)""";

  // A failure past the max age gives the delivery up; otherwise it waits, at most until then.
  private static final String RECORD =
      """
      UPDATE webhook_deliveries
      SET attempts = attempts + 1, last_status = ?, last_error = ?,
          delivered_at = CASE WHEN ? THEN now() END,
          given_up_at = CASE WHEN NOT ? AND now() >= created_at + make_interval(secs => ?)
                             THEN now() END,
          next_attempt_at = least(now() + make_interval(secs => ?),
                                  created_at + make_interval(secs => ?))
      WHERE id = ?""";

  private final DataSource dataSource;
  private final WebhookSecrets secrets;
  private final ResultLinks links;

  public DeliveryQueue(DataSource dataSource, WebhookSecrets secrets, ResultLinks links) {
    this.dataSource = dataSource;
    this.secrets = secrets;
    this.links = links;
  }

  /**
   * Up to {@code limit} due deliveries, soonest due first, leased for {@code lease}: nobody else
   * claims them until then.
   */
  public List<DueDelivery> claim(int limit, Duration lease) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        List<DueDelivery> due = selectDue(connection, limit);
        lease(connection, due, lease);
        connection.commit();
        return due;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  private List<DueDelivery> selectDue(Connection connection, int limit) throws SQLException {
    List<Claimed> claimed = new ArrayList<>();
    Map<UUID, byte[]> keys = new HashMap<>();
    try (PreparedStatement select = connection.prepareStatement(SELECT_DUE)) {
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setInt(1, limit);
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          UUID tenant = row.getObject("tenant_id", UUID.class);
          byte[] key = row.getBytes("webhook_secret");
          if (key != null) {
            keys.put(tenant, key);
          }
          byte[] body = row.getBytes("body");
          claimed.add(
              new Claimed(
                  row.getObject("id", UUID.class),
                  tenant,
                  row.getString("url"),
                  body != null ? body : firstBody(row),
                  row.getInt("attempts")));
        }
      }
    }
    List<DueDelivery> due = new ArrayList<>(claimed.size());
    for (Claimed c : claimed) {
      byte[] key = keys.get(c.tenant());
      if (key == null) {
        // The tenant's first delivery, and it never asked for its secret.
        key = secrets.key(connection, c.tenant());
        keys.put(c.tenant(), key);
      }
      due.add(new DueDelivery(c.id(), c.url(), c.body(), key, c.attempts()));
    }
    return due;
  }

  private record Claimed(UUID id, UUID tenant, String url, byte[] body, int attempts) {}

  /**
   * The body of a delivery's first attempt: the trigger's event, with {@code data.result_url} for a
   * job that succeeded, signed now (it expires with the result links' lifetime); null once the
   * result was deleted.
   */
  private byte[] firstBody(ResultSet row) throws SQLException {
    ObjectNode event =
        Json.decode(row.getString("payload").getBytes(StandardCharsets.UTF_8), ObjectNode.class);
    ObjectNode data = (ObjectNode) event.get("data");
    if ("job.completed".equals(row.getString("event"))
        && "SUCCEEDED".equals(data.path("state").asText())) {
      data.put(
          "result_url",
          links.forKeptResult(
              row.getObject("job_id", UUID.class),
              row.getString("object_key"),
              row.getBoolean("result_deleted")));
    }
    return Json.encode(event);
  }

  private static void lease(Connection connection, List<DueDelivery> due, Duration lease)
      throws SQLException {
    if (due.isEmpty()) {
      return;
    }
    try (PreparedStatement update = connection.prepareStatement(LEASE)) {
      update.setQueryTimeout(TIMEOUT_SECONDS);
      for (DueDelivery delivery : due) {
        update.setDouble(1, seconds(lease));
        update.setBytes(2, delivery.body());
        update.setObject(3, delivery.id());
        update.addBatch();
      }
      update.executeBatch();
    }
  }

  /**
   * Records each attempt and what follows from it: delivered, another attempt when {@code retries}
   * says (jittered by {@code random}), or given up.
   */
  public void record(List<Attempted> attempts, RetrySchedule retries, DoubleSupplier random)
      throws SQLException {
    if (attempts.isEmpty()) {
      return;
    }
    double maxAge = seconds(retries.maxAge());
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement insert = connection.prepareStatement(INSERT_ATTEMPT);
          PreparedStatement update = connection.prepareStatement(RECORD)) {
        insert.setQueryTimeout(TIMEOUT_SECONDS);
        update.setQueryTimeout(TIMEOUT_SECONDS);
        for (Attempted attempted : attempts) {
          Attempt attempt = attempted.attempt();
          insert.setObject(1, attempted.delivery().id());
          insert.setObject(2, OffsetDateTime.ofInstant(attempt.at(), ZoneOffset.UTC));
          insert.setObject(3, attempt.status(), Types.INTEGER);
          insert.setString(4, attempt.error());
          insert.setLong(5, attempt.durationMillis());
          insert.addBatch();

          Duration wait =
              retries.waitAfter(attempted.delivery().failures() + 1, random.getAsDouble());
          update.setObject(1, attempt.status(), Types.INTEGER);
          update.setString(2, attempt.error());
          update.setBoolean(3, attempt.delivered());
          update.setBoolean(4, attempt.delivered());
          update.setDouble(5, maxAge);
          update.setDouble(6, seconds(wait));
          update.setDouble(7, maxAge);
          update.setObject(8, attempted.delivery().id());
          update.addBatch();
        }
        insert.executeBatch();
        update.executeBatch();
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
  }

  /** An attempt at a claimed delivery. */
  public record Attempted(DueDelivery delivery, Attempt attempt) {}

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
