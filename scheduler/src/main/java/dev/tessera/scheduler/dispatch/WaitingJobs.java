package dev.tessera.scheduler.dispatch;

import dev.tessera.common.Json;
import dev.tessera.common.RenderJob;
import dev.tessera.common.RenderSettings;
import dev.tessera.scheduler.JobFields;
import dev.tessera.scheduler.JobRepository.StoreException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What the dispatcher reads before it chooses: which models have jobs waiting, how many of each
 * model's jobs sit in Kafka, each tenant's best waiting jobs, and the tenants' load. Every
 * statement carries a timeout. Thread-safe.
 */
final class WaitingJobs {
  private static final int TIMEOUT_SECONDS = 10;

  private static final String MODELS_WAITING =
      "SELECT DISTINCT model FROM jobs WHERE state = 'QUEUED'";

  private static final String DISPATCHED =
      "SELECT model, count(*) FROM jobs WHERE state = 'DISPATCHED' GROUP BY model";

  // Each tenant's first `perTenant` waiting jobs in the policy's own order within a tenant (aged
  // priority up to the ceiling, age, id): whatever the policy picks next is among them. The
  // ceiling, the highest priority any of the model's waiting jobs asked for, comes with each row.
  // Jobs without a tenant (from before tenants existed) form one group of their own.
  private static final String CANDIDATES =
      """
      WITH queued AS (SELECT * FROM jobs WHERE state = 'QUEUED' AND model = ?),
           top AS (SELECT max(priority) AS ceiling FROM queued)
      SELECT id, tenant_id, priority, created_at, version, attempt, error, settings, upscale,
             target_size, request_id, ceiling
      FROM (SELECT q.*, top.ceiling, row_number() OVER (
                   PARTITION BY q.tenant_id
                   ORDER BY GREATEST(q.priority, LEAST(top.ceiling, q.priority
                                  + floor(extract(epoch FROM ?::timestamptz - q.created_at) / ?)))
                            DESC, q.created_at, q.id) AS rank
            FROM queued q CROSS JOIN top) ranked
      WHERE rank <= ?""";

  private static final String LOADS =
      """
      SELECT t.id, t.weight, count(j.id) AS in_flight
      FROM tenants t LEFT JOIN jobs j ON j.tenant_id = t.id AND j.state IN ('DISPATCHED', 'RUNNING')
      WHERE t.id = ANY (?)
      GROUP BY t.id, t.weight""";

  /**
   * A waiting job: what the policy weighs, the guard and fields its dispatch writes, and the record
   * it becomes; or, when its stored settings cannot be read, why not ({@code job} null). {@code
   * requestId} is the submitting request's id, or null.
   */
  record Waiting(
      DispatchPolicy.Candidate candidate,
      long version,
      JobFields fields,
      RenderJob job,
      String unreadable,
      String requestId) {}

  /**
   * A model's candidates, and the ceiling of its aging: the highest priority any of its waiting
   * jobs asked for (0 when none waits).
   */
  record Candidates(List<Waiting> waiting, int ceiling) {}

  private final DataSource dataSource;

  WaitingJobs(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The models that have QUEUED jobs. */
  List<String> modelsWaiting() {
    List<String> models = new ArrayList<>();
    query(MODELS_WAITING, s -> {}, rs -> models.add(rs.getString(1)));
    return models;
  }

  /** Per model, its jobs DISPATCHED and not yet started. */
  Map<String, Integer> dispatched() {
    Map<String, Integer> counts = new HashMap<>();
    query(DISPATCHED, s -> {}, rs -> counts.put(rs.getString(1), rs.getInt(2)));
    return counts;
  }

  /**
   * Each tenant's first {@code perTenant} QUEUED jobs of {@code model}, by aged priority (with
   * {@code agingStep} at {@code now}, up to the ceiling), then age: the order of {@link
   * DispatchPolicy} within one tenant.
   */
  Candidates candidates(String model, int perTenant, Instant now, Duration agingStep) {
    List<Waiting> found = new ArrayList<>();
    int[] ceiling = {0};
    query(
        CANDIDATES,
        s -> {
          s.setString(1, model);
          s.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
          s.setDouble(3, agingStep.toNanos() / 1e9);
          s.setInt(4, perTenant);
        },
        rs -> {
          found.add(waiting(rs, model));
          ceiling[0] = rs.getInt("ceiling");
        });
    return new Candidates(found, ceiling[0]);
  }

  /**
   * The weight and work in flight (DISPATCHED or RUNNING, any model) of each of {@code tenants}.
   */
  Map<UUID, DispatchPolicy.Load> loads(Collection<UUID> tenants) {
    Map<UUID, DispatchPolicy.Load> loads = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(LOADS)) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      Array ids = c.createArrayOf("uuid", tenants.stream().filter(t -> t != null).toArray());
      s.setArray(1, ids);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          loads.put(
              rs.getObject(1, UUID.class), new DispatchPolicy.Load(rs.getInt(2), rs.getInt(3)));
        }
      }
      ids.free();
      return loads;
    } catch (SQLException e) {
      throw new StoreException("cannot read the tenants' load", e);
    }
  }

  private static Waiting waiting(ResultSet rs, String model) throws SQLException {
    UUID id = rs.getObject("id", UUID.class);
    Instant created = rs.getObject("created_at", OffsetDateTime.class).toInstant();
    RenderJob job = null;
    String unreadable = null;
    try {
      RenderSettings settings =
          Json.decode(
              rs.getString("settings").getBytes(StandardCharsets.UTF_8), RenderSettings.class);
      job =
          new RenderJob(
              id, model, settings, rs.getString("upscale"), rs.getInt("target_size"), created, 0);
    } catch (IllegalArgumentException e) {
      unreadable = "stored settings cannot be read: " + e.getMessage();
    }
    JobFields fields =
        new JobFields(
            rs.getInt("attempt"), null, null, null, rs.getString("error"), null, null, null);
    return new Waiting(
        new DispatchPolicy.Candidate(
            id, rs.getObject("tenant_id", UUID.class), rs.getInt("priority"), created),
        rs.getLong("version"),
        fields,
        job,
        unreadable,
        rs.getString("request_id"));
  }

  private interface Parameters {
    void set(PreparedStatement s) throws SQLException;
  }

  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  private void query(String sql, Parameters parameters, RowReader reader) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setQueryTimeout(TIMEOUT_SECONDS);
      parameters.set(s);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read waiting jobs", e);
    }
  }
}
