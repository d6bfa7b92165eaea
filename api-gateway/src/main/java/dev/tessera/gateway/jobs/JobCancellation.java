package dev.tessera.gateway.jobs;

import dev.tessera.common.ControlMessage;
import dev.tessera.common.JobState;
import dev.tessera.common.Json;
import dev.tessera.common.Topics;
import dev.tessera.common.tenants.Tenant;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Takes a tenant's requests to cancel its jobs: records each first request ({@code
 * job_cancellations}) and its message to {@code render.control} ({@code outbox}) in one
 * transaction, so a cancel is relayed exactly when it was accepted; this class never talks to Kafka
 * and never writes a job's state, which stays the scheduler's.
 *
 * <p>Any number of jobs cost the same three statements: one read of their states, one insert of the
 * requests not made before, one batch of outbox rows; batch cancellation is meant to build on
 * {@link #cancelAll}.
 *
 * <p>The answer reflects the states read in the transaction. A job that ends at that moment keeps
 * the result that ended it: the scheduler and the workers drop a cancel of a job that ended, so a
 * request accepted for a job that then succeeds changes nothing. Thread-safe.
 */
public final class JobCancellation {
  private static final String SELECT_STATES =
      "SELECT id, state FROM jobs WHERE tenant_id = ? AND id = ANY (?)";
  private static final String INSERT_REQUESTS =
      """
      INSERT INTO job_cancellations (job_id, requested_at) SELECT unnest(?::uuid[]), ?
      ON CONFLICT (job_id) DO NOTHING RETURNING job_id""";
  private static final String INSERT_OUTBOX =
      "INSERT INTO outbox (topic, key, payload, created_at) VALUES (?, ?, ?, ?)";
  private static final int TIMEOUT_SECONDS = 10;

  private final DataSource dataSource;
  private final Clock clock;
  private final Consumer<Set<UUID>> afterCommit;

  /**
   * @param afterCommit told the jobs whose cancellation a commit recorded (and for which it wrote
   *     outbox rows), after each such commit: to wake the relay, to forget their kept answers
   */
  public JobCancellation(DataSource dataSource, Clock clock, Consumer<Set<UUID>> afterCommit) {
    this.dataSource = dataSource;
    this.clock = clock;
    this.afterCommit = afterCommit;
  }

  /** Asks to cancel {@code tenant}'s job {@code jobId}; see {@link #cancelAll}. */
  public CancelOutcome cancel(Tenant tenant, UUID jobId) throws SQLException {
    return cancelAll(tenant, List.of(jobId)).get(jobId);
  }

  /**
   * Asks to cancel each of {@code tenant}'s jobs in {@code jobIds}, in one transaction.
   *
   * @return each distinct id's outcome, in the order given
   * @throws SQLException when the database fails; then nothing was recorded
   */
  public Map<UUID, CancelOutcome> cancelAll(Tenant tenant, Collection<UUID> jobIds)
      throws SQLException {
    Set<UUID> ids = new LinkedHashSet<>(jobIds);
    // PostgreSQL keeps microseconds: the row and the message show the same instant.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Map<UUID, JobState> states;
    Set<UUID> requested;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        states = states(connection, tenant, ids);
        List<UUID> cancellable =
            states.entrySet().stream()
                .filter(e -> !e.getValue().isTerminal())
                .map(Map.Entry::getKey)
                .toList();
        requested = request(connection, cancellable, now);
        insertOutbox(connection, ids.stream().filter(requested::contains).toList(), now);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    }
    if (!requested.isEmpty()) {
      afterCommit.accept(requested);
    }
    Map<UUID, CancelOutcome> outcomes = new LinkedHashMap<>();
    for (UUID id : ids) {
      outcomes.put(id, outcome(id, states.get(id), requested.contains(id)));
    }
    return outcomes;
  }

  private static CancelOutcome outcome(UUID id, JobState state, boolean requested) {
    CancelOutcome.Kind kind;
    if (state == null) {
      kind = CancelOutcome.Kind.NOT_FOUND;
    } else if (requested) {
      kind = CancelOutcome.Kind.REQUESTED;
    } else if (state == JobState.SUCCEEDED || state == JobState.FAILED) {
      kind = CancelOutcome.Kind.ENDED;
    } else {
      kind = CancelOutcome.Kind.ALREADY_REQUESTED;
    }
    return new CancelOutcome(id, kind, state);
  }

  private static Map<UUID, JobState> states(Connection connection, Tenant tenant, Set<UUID> ids)
      throws SQLException {
    Map<UUID, JobState> states = new HashMap<>();
    Array array = connection.createArrayOf("uuid", ids.toArray());
    try (PreparedStatement select = connection.prepareStatement(SELECT_STATES)) {
      select.setQueryTimeout(TIMEOUT_SECONDS);
      select.setObject(1, tenant.id());
      select.setArray(2, array);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          states.put(rows.getObject("id", UUID.class), JobState.valueOf(rows.getString("state")));
        }
      }
    } finally {
      array.free();
    }
    return states;
  }

  /** Records a request for each job that has none yet; returns those it recorded. */
  private static Set<UUID> request(Connection connection, List<UUID> ids, Instant now)
      throws SQLException {
    Set<UUID> inserted = new HashSet<>();
    if (ids.isEmpty()) {
      return inserted;
    }
    Array array = connection.createArrayOf("uuid", ids.toArray());
    try (PreparedStatement insert = connection.prepareStatement(INSERT_REQUESTS)) {
      insert.setQueryTimeout(TIMEOUT_SECONDS);
      insert.setArray(1, array);
      insert.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
      try (ResultSet rows = insert.executeQuery()) {
        while (rows.next()) {
          inserted.add(rows.getObject(1, UUID.class));
        }
      }
    } finally {
      array.free();
    }
    return inserted;
  }

  private static void insertOutbox(Connection connection, List<UUID> ids, Instant now)
      throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
    try (PreparedStatement insert = connection.prepareStatement(INSERT_OUTBOX)) {
      insert.setQueryTimeout(TIMEOUT_SECONDS);
      for (UUID id : ids) {
        insert.setString(1, Topics.CONTROL);
        insert.setString(2, id.toString());
        insert.setBytes(3, Json.encode(new ControlMessage.Cancel(id, now)));
        insert.setObject(4, at);
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
