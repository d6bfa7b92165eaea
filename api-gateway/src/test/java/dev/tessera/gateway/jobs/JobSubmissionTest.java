package dev.tessera.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.common.JobState;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.api.JobView;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Submission against real PostgreSQL, without the HTTP layer. */
class JobSubmissionTest {
  private final Sql sql = new Sql(TestDatabase.dataSource());
  private final AtomicInteger commits = new AtomicInteger();
  private final JobSubmission submission =
      new JobSubmission(
          TestDatabase.dataSource(),
          new SubmissionRules(List.of("sd21"), () -> 99L),
          Clock.fixed(Instant.parse("2026-01-02T03:04:05.123456789Z"), ZoneOffset.UTC),
          commits::incrementAndGet);

  private static final Tenant TENANT = tenant();

  private static Tenant tenant() {
    try {
      return new TenantStore(TestDatabase.dataSource())
          .create("submission-test-" + System.nanoTime(), 1, 100, 10, false)
          .tenant();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JobRequest prompt(String prompt) {
    return new JobRequest(prompt, null, null, null, null, null, null, null, null, null, null);
  }

  @Test
  void storesBothRowsThenSignalsTheCommit() throws Exception {
    JobView job = submission.submit(TENANT, prompt("a fox"), InTransaction.none());
    assertEquals(JobState.QUEUED, job.state());
    assertEquals(99L, job.request().seed());
    assertEquals(
        Instant.parse("2026-01-02T03:04:05.123456Z"), job.createdAt(), "PostgreSQL's precision");
    assertEquals(
        1,
        sql.count(
            "SELECT count(*) FROM jobs WHERE id = ? AND tenant_id = ?", job.id(), TENANT.id()));
    assertEquals(
        1,
        sql.count(
            "SELECT count(*) FROM outbox WHERE key = ? AND sent_at IS NULL", job.id().toString()));
    assertEquals(1, commits.get());
  }

  @Test
  void anInvalidRequestWritesNothingAndSignalsNothing() throws Exception {
    long before = sql.count("SELECT (SELECT count(*) FROM jobs) + (SELECT count(*) FROM outbox)");
    assertThrows(
        InvalidJobException.class,
        () -> submission.submit(TENANT, prompt(""), InTransaction.none()));
    assertEquals(
        before, sql.count("SELECT (SELECT count(*) FROM jobs) + (SELECT count(*) FROM outbox)"));
    assertEquals(0, commits.get());
  }
}
