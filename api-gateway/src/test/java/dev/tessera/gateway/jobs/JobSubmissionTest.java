package dev.tessera.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.common.JobState;
import dev.tessera.common.tenants.Tenant;
import dev.tessera.common.tenants.TenantStore;
import dev.tessera.gateway.QueueListener;
import dev.tessera.gateway.Sql;
import dev.tessera.gateway.TestDatabase;
import dev.tessera.gateway.api.JobRequest;
import dev.tessera.gateway.api.JobView;
import dev.tessera.gateway.metrics.SubmittedJobs;
import dev.tessera.gateway.webhooks.WebhookTargets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Submission against real PostgreSQL, without the HTTP layer. */
class JobSubmissionTest {
  private final Sql sql = new Sql(TestDatabase.dataSource());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final JobSubmission submission =
      new JobSubmission(
          TestDatabase.dataSource(),
          new SubmissionRules(List.of("sd21"), () -> 99L, WebhookTargets.PUBLIC_ONLY),
          new SubmittedJobs(registry),
          Clock.fixed(Instant.parse("2026-01-02T03:04:05.123456789Z"), ZoneOffset.UTC));

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

  private double submitted() {
    Counter c =
        registry
            .find("tessera.jobs.submitted")
            .tags("model", "sd21", "tenant", TENANT.name())
            .counter();
    return c == null ? 0 : c.count();
  }

  private static JobRequest request(String prompt, Integer priority) {
    return new JobRequest(
        prompt, null, null, null, null, null, null, null, null, null, null, priority);
  }

  @Test
  void storesTheJobQueuedWithItsPriorityAndSignalsItsModelOnCommit() throws Exception {
    JobView job;
    try (QueueListener signals = new QueueListener(TestDatabase.dataSource())) {
      job = submission.submit(TENANT, request("a fox", 70), InTransaction.none());
      assertEquals(List.of("sd21"), signals.await(1, Duration.ofSeconds(5)));
    }
    assertEquals(JobState.QUEUED, job.state());
    assertEquals(1, submitted(), "counted once committed");
    assertEquals(70, job.priority());
    assertEquals(99L, job.request().seed());
    assertEquals(
        Instant.parse("2026-01-02T03:04:05.123456Z"), job.createdAt(), "PostgreSQL's precision");
    Map<String, Object> row =
        sql.row("SELECT state, priority, attempt, tenant_id FROM jobs WHERE id = ?", job.id());
    assertEquals(
        Map.of("state", "QUEUED", "priority", 70, "attempt", 0, "tenant_id", TENANT.id()), row);
    assertEquals(
        0,
        sql.count("SELECT count(*) FROM outbox WHERE key = ?", job.id().toString()),
        "jobs do not travel through the outbox: the scheduler dispatches them");
  }

  @Test
  void withoutAPriorityAJobGetsTheMiddleOne() throws Exception {
    JobView job = submission.submit(TENANT, request("a fox", null), InTransaction.none());
    assertEquals(SubmissionRules.DEFAULT_PRIORITY, job.priority());
    assertEquals(50, sql.row("SELECT priority FROM jobs WHERE id = ?", job.id()).get("priority"));
  }

  @Test
  void aRolledBackSubmissionWritesNothingAndSignalsNothing() throws Exception {
    long before = sql.count("SELECT count(*) FROM jobs");
    try (QueueListener signals = new QueueListener(TestDatabase.dataSource())) {
      assertThrows(
          IllegalStateException.class,
          () ->
              submission.submit(
                  TENANT,
                  request("a fox", null),
                  (connection, view) -> {
                    throw new IllegalStateException("the idempotency record failed");
                  }));
      assertThrows(
          InvalidJobException.class,
          () -> submission.submit(TENANT, request("", null), InTransaction.none()));
      assertEquals(List.of(), signals.during(Duration.ofMillis(500)));
    }
    assertEquals(before, sql.count("SELECT count(*) FROM jobs"));
    assertEquals(0, submitted(), "nothing counted");
  }
}
