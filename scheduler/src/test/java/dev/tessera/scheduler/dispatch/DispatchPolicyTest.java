package dev.tessera.scheduler.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.scheduler.dispatch.DispatchPolicy.Candidate;
import dev.tessera.scheduler.dispatch.DispatchPolicy.Load;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DispatchPolicyTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final UUID A = new UUID(0, 1);
  private static final UUID B = new UUID(0, 2);
  private final DispatchPolicy policy = new DispatchPolicy(Duration.ofMinutes(1));

  private static Candidate job(long n, UUID tenant, int priority, Instant queuedAt) {
    return new Candidate(new UUID(1, n), tenant, priority, queuedAt);
  }

  @Test
  void aSmallTenantIsNotStuckBehindABigOnesBacklog() {
    List<Candidate> waiting = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      waiting.add(job(i, A, 50, T0.plusMillis(i)));
    }
    for (int i = 0; i < 5; i++) {
      waiting.add(job(1000 + i, B, 50, T0.plusSeconds(10).plusMillis(i)));
    }
    List<Candidate> order = policy.choose(waiting, Map.of(), 10, T0.plusSeconds(11));
    List<UUID> tenants = order.stream().map(Candidate::tenantId).toList();
    assertEquals(
        List.of(A, B, A, B, A, B, A, B, A, B), tenants, "alternating by share of work in flight");
  }

  @Test
  void aHighPriorityJobGoesFirstAndWaitingJobsAge() {
    List<Candidate> waiting = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      waiting.add(job(i, A, 50, T0.plusMillis(i)));
    }
    waiting.add(job(999, A, 90, T0.plusSeconds(5)));
    assertEquals(
        new UUID(1, 999), policy.choose(waiting, Map.of(), 1, T0.plusSeconds(6)).get(0).jobId());
    // After 40 minutes an old priority-50 job has climbed to the top lane in use, and goes before
    // a fresh priority-90 job as the older of the two: kept waiting by higher lanes, it does not
    // starve.
    Instant later = T0.plusSeconds(40 * 60);
    Candidate fresh = job(1000, B, 90, later);
    Candidate old = job(0, A, 50, T0);
    assertEquals(90, policy.effectivePriority(old, later, 90));
    assertEquals(old, policy.choose(List.of(fresh, old), Map.of(), 1, later).get(0));
    assertEquals(50, policy.effectivePriority(old, later, 30), "never below what it asked for");
    assertEquals(100, policy.effectivePriority(old, T0.plus(Duration.ofDays(1)), 200), "capped");
  }

  /**
   * Jobs that asked for the same priority do not overtake each other by age: a backlog an hour old
   * takes turns with a tenant whose jobs just came.
   */
  @Test
  void anOldBacklogDoesNotOutrankANewTenantOfTheSamePriority() {
    List<Candidate> waiting = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      waiting.add(job(i, A, 50, T0.plusMillis(i)));
    }
    Instant hourLater = T0.plusSeconds(3600);
    waiting.add(job(1000, B, 50, hourLater));
    waiting.add(job(1001, B, 50, hourLater));
    Map<UUID, Load> load = Map.of(A, new Load(1, 4), B, new Load(1, 0));
    List<UUID> tenants =
        policy.choose(waiting, load, 3, hourLater.plusSeconds(1)).stream()
            .map(Candidate::tenantId)
            .toList();
    assertEquals(List.of(B, B, A), tenants, "B is under its share: both of its jobs first");
  }

  @Test
  void tiesGoToTheOldestThenTheLowestId() {
    Candidate older = job(7, A, 50, T0);
    Candidate younger = job(1, A, 50, T0.plusSeconds(1));
    Candidate twin = job(2, A, 50, T0.plusSeconds(1));
    assertEquals(
        List.of(older, younger, twin),
        policy.choose(List.of(twin, younger, older), Map.of(), 3, T0.plusSeconds(2)));
  }

  /**
   * A long run with a fake clock: 6 workers, jobs of 10 s, tenants of weight 3 and 1 that always
   * have work waiting. Running shares stay within 10% of 3:1.
   */
  @Test
  void weightsThreeToOneGiveRunningSharesOfThreeToOne() {
    UUID heavy = A;
    UUID light = B;
    Map<UUID, Integer> weights = Map.of(heavy, 3, light, 1);
    List<Candidate> waiting = new ArrayList<>();
    long ids = 0;
    for (int i = 0; i < 3000; i++) {
      waiting.add(job(ids++, heavy, 50, T0));
      waiting.add(job(ids++, light, 50, T0));
    }
    List<long[]> running = new ArrayList<>(); // {finishAtSecond, tenant (0 heavy, 1 light)}
    long heavySeconds = 0;
    long lightSeconds = 0;
    java.util.Random durations = new java.util.Random(7);
    for (int second = 0; second < 3600; second++) {
      final int now = second;
      running.removeIf(r -> r[0] <= now);
      Map<UUID, Load> load = new HashMap<>();
      for (UUID t : List.of(heavy, light)) {
        int n = (int) running.stream().filter(r -> r[1] == (t == heavy ? 0 : 1)).count();
        load.put(t, new Load(weights.get(t), n));
      }
      int free = 8 - running.size();
      for (Candidate c : policy.choose(waiting, load, free, T0.plusSeconds(second))) {
        waiting.remove(c);
        running.add(new long[] {second + 5 + durations.nextInt(11), c.tenantId() == heavy ? 0 : 1});
      }
      heavySeconds += running.stream().filter(r -> r[1] == 0).count();
      lightSeconds += running.stream().filter(r -> r[1] == 1).count();
    }
    double ratio = heavySeconds / (double) lightSeconds;
    assertTrue(
        Math.abs(ratio - 3) <= 0.3,
        "running shares " + heavySeconds + ":" + lightSeconds + " = " + ratio);
  }

  @Test
  void theAgingStepMustBePositive() {
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> new DispatchPolicy(Duration.ZERO));
  }
}
