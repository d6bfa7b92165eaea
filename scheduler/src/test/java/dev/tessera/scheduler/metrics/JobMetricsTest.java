package dev.tessera.scheduler.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tessera.common.ControlMessage;
import dev.tessera.common.JobEvent.Canceled;
import dev.tessera.common.JobEvent.Failed;
import dev.tessera.common.JobEvent.Started;
import dev.tessera.common.JobEvent.Succeeded;
import dev.tessera.common.StageTimings;
import dev.tessera.scheduler.CancelRequestApplier;
import dev.tessera.scheduler.EventApplier;
import dev.tessera.scheduler.JobRepository;
import dev.tessera.scheduler.RetryRule;
import dev.tessera.scheduler.TestDatabase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The job counters and stage timers against real PostgreSQL, fed by the repository's won writes:
 * each transition counts once, however often its event comes.
 */
class JobMetricsTest {
  private static final Instant CREATED = Instant.parse("2026-03-01T12:00:00Z");
  private static final Instant STARTED = CREATED.plusSeconds(4);
  private static final Instant ENDED = CREATED.plusSeconds(30);
  private static final List<StageTimings.Entry> TIMINGS =
      List.of(
          new StageTimings.Entry("denoise", 6100, "25 steps"),
          new StageTimings.Entry("upscale", 1500, "tiles"),
          new StageTimings.Entry("png", 12, ""));

  private final TestDatabase db = TestDatabase.get();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final JobRepository jobs = new JobRepository(db.dataSource, new JobMetrics(registry));
  private final EventApplier events = new EventApplier(jobs, new RetryRule(3));
  // A model of this test's own: the database is shared with other tests.
  private final String model = "m-" + UUID.randomUUID();
  private final UUID tenant = db.insertTenant(1);
  private final String tenantName = "t-" + tenant;

  private double count(String name, String tenantLabel) {
    Counter c = registry.find(name).tags("model", model, "tenant", tenantLabel).counter();
    return c == null ? 0 : c.count();
  }

  private Timer stage(String stage) {
    return registry.find("tessera.stage").tags("model", model, "stage", stage).timer();
  }

  @Test
  void aSuccessCountsOnceAndTimesItsStagesAndItsWait() {
    UUID id = db.insertJob(model, tenant, 50, CREATED);
    Started started = new Started(id, "gpu-a", 1, STARTED);
    Succeeded succeeded = new Succeeded(id, "gpu-a", 1, "results/x.png", TIMINGS, ENDED);
    events.apply(started);
    events.apply(started);
    events.apply(succeeded);
    events.apply(succeeded);

    assertEquals(1, count("tessera.jobs.started", tenantName));
    assertEquals(1, count("tessera.jobs.succeeded", tenantName));
    assertEquals(1, stage("denoise").count());
    assertEquals(6100, stage("denoise").totalTime(TimeUnit.MILLISECONDS), 0.001);
    assertEquals(1, stage("upscale").count());
    assertEquals(1, stage("png").count());
    assertEquals(1, stage(JobMetrics.QUEUE_WAIT).count());
    assertEquals(4, stage(JobMetrics.QUEUE_WAIT).totalTime(TimeUnit.SECONDS), 0.001);
  }

  @Test
  void failuresCountOnlyWhenTheyEndTheJob() {
    UUID retried = db.insertJob(model, tenant, 50, CREATED);
    events.apply(new Started(retried, "gpu-a", 1, STARTED));
    events.apply(new Failed(retried, "gpu-a", 1, "out of memory", true, ENDED));
    assertEquals(0, count("tessera.jobs.failed", tenantName), "requeued, not failed");

    events.apply(new Started(retried, "gpu-b", 2, ENDED));
    events.apply(new Failed(retried, "gpu-b", 2, "bad settings", false, ENDED));
    events.apply(new Failed(retried, "gpu-b", 2, "bad settings", false, ENDED));
    assertEquals(2, count("tessera.jobs.started", tenantName), "two starts");
    assertEquals(1, count("tessera.jobs.failed", tenantName));
    assertEquals(1, stage(JobMetrics.QUEUE_WAIT).count(), "only the first start waited in queue");
    assertNull(stage("denoise"), "no success, no stage times");
  }

  @Test
  void cancelsCountOnceWhoeverReportsThem() {
    UUID queued = db.insertJob(model, tenant, 50, CREATED);
    CancelRequestApplier cancels = new CancelRequestApplier(jobs);
    ControlMessage.Cancel cancel = new ControlMessage.Cancel(queued, ENDED);
    cancels.apply(cancel);
    cancels.apply(cancel);
    events.apply(new Canceled(queued, "gpu-a", 1, ENDED));

    UUID running = db.insertJob(model, tenant, 50, CREATED);
    events.apply(new Started(running, "gpu-a", 1, STARTED));
    events.apply(new Canceled(running, "gpu-a", 1, ENDED));
    events.apply(new Canceled(running, "gpu-a", 1, ENDED));
    assertEquals(2, count("tessera.jobs.cancelled", tenantName));
  }

  @Test
  void aJobWithoutATenantIsCountedUnderADash() {
    UUID id = db.insertJob(model, null, 50, CREATED);
    events.apply(new Started(id, "gpu-a", 1, STARTED));
    assertEquals(1, count("tessera.jobs.started", JobMetrics.NO_TENANT));
    assertEquals(0, count("tessera.jobs.started", tenantName));
  }
}
