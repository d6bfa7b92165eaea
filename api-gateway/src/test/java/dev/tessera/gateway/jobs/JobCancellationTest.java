package dev.tessera.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.common.ControlMessage;
import dev.tessera.common.JobState;
import dev.tessera.common.Json;
import dev.tessera.common.Topics;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.metrics.SubmittedJobs;
import dev.tessera.gateway.webhooks.WebhookTargets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Cancelling many jobs in one transaction against real PostgreSQL, without the HTTP layer: each
 * job's outcome, one request and one outbox row per job newly cancelled, nothing for the rest.
 */
class JobCancellationTest {
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123456789Z");

  private final Sql sql = new Sql(TestDatabase.dataSource());
  private final List<Set<UUID>> commits = new CopyOnWriteArrayList<>();
  private final JobSubmission submission =
      new JobSubmission(
          TestDatabase.dataSource(),
          new SubmissionRules(List.of("sd21"), () -> 7L, WebhookTargets.PUBLIC_ONLY),
          new SubmittedJobs(new SimpleMeterRegistry()),
          Clock.systemUTC());
  private final JobCancellation cancellation =
      new JobCancellation(
          TestDatabase.dataSource(), Clock.fixed(NOW, ZoneOffset.UTC), commits::add);

  private static final Tenant TENANT = tenant("cancel-test-");
  private static final Tenant OTHER = tenant("cancel-other-");

  private static Tenant tenant(String prefix) {
    try {
      return new TenantStore(TestDatabase.dataSource())
          .create(prefix + System.nanoTime() % 1_000_000_000L, 1, 1000, 10, false)
          .tenant();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private UUID submit(Tenant tenant, JobState state) throws SQLException {
    UUID id =
        submission
            .submit(
                tenant,
                new JobRequest(
                    "a fox", null, null, null, null, null, null, null, null, null, null, null),
                InTransaction.none())
            .id();
    if (state != JobState.QUEUED) {
      sql.update("UPDATE jobs SET state = ?, version = version + 1 WHERE id = ?", state.name(), id);
    }
    return id;
  }

  private long controlRows(UUID id) throws SQLException {
    return sql.count(
        "SELECT count(*) FROM outbox WHERE key = ? AND topic = ?", id.toString(), Topics.CONTROL);
  }

  @Test
  void cancelsAListInOneGoAndSaysWhatBecameOfEachJob() throws Exception {
    UUID queued = submit(TENANT, JobState.QUEUED);
    UUID dispatched = submit(TENANT, JobState.DISPATCHED);
    UUID running = submit(TENANT, JobState.RUNNING);
    UUID succeeded = submit(TENANT, JobState.SUCCEEDED);
    UUID failed = submit(TENANT, JobState.FAILED);
    UUID canceled = submit(TENANT, JobState.CANCELED);
    UUID askedBefore = submit(TENANT, JobState.QUEUED);
    cancellation.cancel(TENANT, askedBefore);
    commits.clear();
    UUID others = submit(OTHER, JobState.QUEUED);
    UUID unknown = UUID.randomUUID();

    List<UUID> ids =
        List.of(
            unknown,
            queued,
            dispatched,
            running,
            succeeded,
            failed,
            canceled,
            askedBefore,
            others,
            queued);
    Map<UUID, CancelOutcome> outcomes = cancellation.cancelAll(TENANT, ids);

    assertEquals(
        List.of(
            unknown, queued, dispatched, running, succeeded, failed, canceled, askedBefore, others),
        new ArrayList<>(outcomes.keySet()),
        "each id once, in the order given");
    assertEquals(
        new CancelOutcome(queued, CancelOutcome.Kind.REQUESTED, JobState.QUEUED),
        outcomes.get(queued));
    assertEquals(
        new CancelOutcome(dispatched, CancelOutcome.Kind.REQUESTED, JobState.DISPATCHED),
        outcomes.get(dispatched));
    assertEquals(CancelOutcome.Kind.REQUESTED, outcomes.get(running).kind());
    assertEquals(
        new CancelOutcome(succeeded, CancelOutcome.Kind.ENDED, JobState.SUCCEEDED),
        outcomes.get(succeeded));
    assertEquals(CancelOutcome.Kind.ENDED, outcomes.get(failed).kind());
    assertEquals(CancelOutcome.Kind.ALREADY_REQUESTED, outcomes.get(canceled).kind());
    assertEquals(CancelOutcome.Kind.ALREADY_REQUESTED, outcomes.get(askedBefore).kind());
    assertEquals(
        new CancelOutcome(others, CancelOutcome.Kind.NOT_FOUND, null), outcomes.get(others));
    assertEquals(CancelOutcome.Kind.NOT_FOUND, outcomes.get(unknown).kind());

    for (UUID id : List.of(queued, dispatched, running, askedBefore)) {
      assertEquals(1, controlRows(id), "one request relayed for " + id);
    }
    for (UUID id : List.of(succeeded, failed, canceled, others, unknown)) {
      assertEquals(0, controlRows(id), "nothing relayed for " + id);
    }
    ControlMessage message =
        Json.decode(
            (byte[])
                sql.row(
                        "SELECT payload FROM outbox WHERE key = ? AND topic = ?",
                        queued.toString(),
                        Topics.CONTROL)
                    .get("payload"),
            ControlMessage.class);
    assertEquals(
        new ControlMessage.Cancel(queued, Instant.parse("2026-01-02T03:04:05.123456Z")), message);
    assertEquals(
        List.of(Set.of(queued, dispatched, running)),
        commits,
        "one transaction, told once of the jobs it asked to cancel");
    assertEquals(
        JobState.QUEUED.name(),
        sql.row("SELECT state FROM jobs WHERE id = ?", queued).get("state"),
        "the state stays the scheduler's to write");

    Map<UUID, CancelOutcome> again = cancellation.cancelAll(TENANT, List.of(queued, running));
    assertEquals(CancelOutcome.Kind.ALREADY_REQUESTED, again.get(queued).kind());
    assertEquals(CancelOutcome.Kind.ALREADY_REQUESTED, again.get(running).kind());
    assertEquals(1, commits.size(), "nothing new to relay: no wake-up");
    assertEquals(1, controlRows(queued));
  }

  @Test
  void aFailureRecordsNoRequestAtAll() throws Exception {
    UUID first = submit(TENANT, JobState.QUEUED);
    UUID second = submit(TENANT, JobState.QUEUED);
    // PostgreSQL refuses the outbox row of the second job, after the requests were inserted.
    sql.update(
        """
        CREATE FUNCTION refuse_cancel_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.key = '%s' THEN
            RAISE EXCEPTION 'outbox refused for the test';
          END IF;
          RETURN NEW;
        END $$"""
            .formatted(second));
    sql.update(
        "CREATE TRIGGER refuse_cancel_outbox BEFORE INSERT ON outbox FOR EACH ROW "
            + "EXECUTE FUNCTION refuse_cancel_outbox()");
    try {
      assertThrows(
          SQLException.class, () -> cancellation.cancelAll(TENANT, List.of(first, second)));
    } finally {
      sql.update("DROP TRIGGER refuse_cancel_outbox ON outbox");
      sql.update("DROP FUNCTION refuse_cancel_outbox()");
    }
    assertEquals(0, controlRows(first));
    assertEquals(
        0,
        sql.count("SELECT count(*) FROM job_cancellations WHERE job_id IN (?, ?)", first, second));
    assertEquals(List.of(), commits);
    assertEquals(
        CancelOutcome.Kind.REQUESTED,
        cancellation.cancel(TENANT, first).kind(),
        "and can be asked again");
  }
}
