package dev.tessera.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.deploy.farm.FarmHome;
import dev.tessera.deploy.soak.Fault;
import dev.tessera.deploy.soak.SoakRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak in the suite: a fresh farm renders cheap jobs while every kind of fault is injected
 * every few seconds (workers killed and hung, the broker, PostgreSQL and S3 restarted, the
 * scheduler and the gateway killed and started again) while the jobs go in, a batch at a time under
 * Idempotency-Keys, then every store is reconciled: each job ended once, SUCCEEDED with its one
 * result and one set of timings, no object without its job, no job twice, no forbidden state
 * change.
 */
class SoakEndToEndTest {
  private static final int JOBS = 300;

  /** The quick faults first, so that all of them come while jobs are still rendering. */
  private static final List<Fault> FAULTS =
      List.of(
          Fault.DATABASE,
          Fault.S3,
          Fault.WORKER_KILL,
          Fault.SCHEDULER,
          Fault.GATEWAY,
          Fault.BROKER,
          Fault.WORKER_STOP);

  @TempDir Path state;

  @Test
  void jobsSurviveEveryKindOfFaultWithNothingLostOrDoubled() throws Exception {
    FarmHome checkout = FarmHome.current();
    SoakRun.Options options =
        new SoakRun.Options(JOBS, 40, 3, Duration.ofSeconds(3), FAULTS, Duration.ofMinutes(10));
    SoakRun.Report report = SoakRun.run(new FarmHome(checkout.root(), state), options, System.out);
    Map<Fault, Integer> injected = report.injected();
    for (Fault fault : Fault.values()) {
      assertTrue(injected.getOrDefault(fault, 0) >= 1, fault.label() + " injected: " + injected);
    }
    assertTrue(report.reconciled().clean(), report.text(options));
    assertEquals(10, report.submissions().batches(), report.text(options));
    assertEquals(Map.of("SUCCEEDED", JOBS), report.reconciled().states(), report.text(options));
    // QUEUED -> DISPATCHED -> RUNNING -> SUCCEEDED at least: the audit saw the scheduler's writes.
    assertTrue(report.reconciled().transitions() >= 3L * JOBS, report.text(options));
  }
}
