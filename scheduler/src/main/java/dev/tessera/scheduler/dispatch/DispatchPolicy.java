package dev.tessera.scheduler.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Which waiting jobs go to the workers next. Compared in this order:
 *
 * <ol>
 *   <li><b>Priority lane</b>, highest first: the job's {@code priority} (0–100) plus one point for
 *       every {@code agingStep} it has waited, up to the <em>ceiling</em>, the highest priority any
 *       waiting job asked for. So a job kept waiting by higher lanes climbs until it competes with
 *       them (no starvation), while jobs that asked for the same priority never overtake each other
 *       by age alone: a tenant's hours-old backlog does not outrank another tenant's new jobs, and
 *       fair share decides between them;
 *   <li><b>Fair share</b>: the tenant whose work in flight (running and dispatched) per unit of
 *       weight is lowest goes first (OpenCue books the most under-served show first the same way);
 *       each pick counts for its tenant before the next pick is made;
 *   <li><b>Age</b>: the job waiting longest;
 *   <li>the job id, so that the order is total and the same on every scheduler.
 * </ol>
 *
 * Pure logic over the candidates, the tenants' load and a clock.
 */
public final class DispatchPolicy {
  /** The highest priority a job can ask for, and the cap of its aged priority. */
  public static final int MAX_PRIORITY = 100;

  /**
   * A job waiting to be dispatched.
   *
   * @param priority 0–100, as asked
   */
  public record Candidate(UUID jobId, UUID tenantId, int priority, Instant queuedAt) {}

  /**
   * A tenant's standing.
   *
   * @param weight its share of the farm against others' (at least 1)
   * @param inFlight its jobs running or dispatched now
   */
  public record Load(int weight, int inFlight) {}

  private final Duration agingStep;

  /**
   * @param agingStep a waiting job gains a priority point per this much waiting
   */
  public DispatchPolicy(Duration agingStep) {
    if (agingStep.isNegative() || agingStep.isZero()) {
      throw new IllegalArgumentException("aging step must be positive, got " + agingStep);
    }
    this.agingStep = agingStep;
  }

  /**
   * The priority lane of {@code job} at {@code now}: as asked, plus its aging, up to {@code
   * ceiling} (never below what it asked for).
   */
  public int effectivePriority(Candidate job, Instant now, int ceiling) {
    long waited = Math.max(0, Duration.between(job.queuedAt(), now).toNanos());
    long aged = job.priority() + waited / agingStep.toNanos();
    return (int) Math.max(job.priority(), Math.min(Math.min(ceiling, MAX_PRIORITY), aged));
  }

  /**
   * The next {@code count} jobs of {@code waiting}, in the order they go, with the ceiling the
   * highest priority among them.
   */
  public List<Candidate> choose(
      List<Candidate> waiting, Map<UUID, Load> load, int count, Instant now) {
    int ceiling = waiting.stream().mapToInt(Candidate::priority).max().orElse(0);
    return choose(waiting, load, count, now, ceiling);
  }

  /**
   * The next {@code count} jobs of {@code waiting}, in the order they go; {@code ceiling} is the
   * highest priority any waiting job asked for, of these or of others not passed in. Tenants
   * missing from {@code load} count as weight 1 with nothing in flight.
   */
  public List<Candidate> choose(
      List<Candidate> waiting, Map<UUID, Load> load, int count, Instant now, int ceiling) {
    Map<UUID, int[]> inFlight = new HashMap<>();
    load.forEach((tenant, l) -> inFlight.put(tenant, new int[] {l.inFlight()}));
    List<Candidate> left = new ArrayList<>(waiting);
    List<Candidate> chosen = new ArrayList<>();
    while (chosen.size() < count && !left.isEmpty()) {
      Comparator<Candidate> order =
          Comparator.comparingInt((Candidate c) -> -effectivePriority(c, now, ceiling))
              .thenComparingDouble(c -> share(c.tenantId(), load, inFlight))
              .thenComparing(Candidate::queuedAt)
              .thenComparing(Candidate::jobId);
      Candidate next = left.stream().min(order).orElseThrow();
      left.remove(next);
      chosen.add(next);
      inFlight.computeIfAbsent(next.tenantId(), t -> new int[1])[0]++;
    }
    return chosen;
  }

  private static double share(UUID tenant, Map<UUID, Load> load, Map<UUID, int[]> inFlight) {
    Load l = load.get(tenant);
    int weight = l == null ? 1 : Math.max(1, l.weight());
    int[] n = inFlight.get(tenant);
    return ((n == null ? 0 : n[0]) + 1) / (double) weight;
  }
}
