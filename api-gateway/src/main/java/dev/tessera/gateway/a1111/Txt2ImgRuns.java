package dev.tessera.gateway.a1111;

import dev.tessera.common.tenants.Tenant;
import dev.tessera.gateway.jobs.JobCancellation;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The txt2img requests in flight on this gateway, per tenant: what A1111's progress and interrupt
 * act on. A1111 serves one user one generation at a time, and its clients ask the same server for
 * progress; behind several gateway replicas each answers for the requests it holds. Thread-safe.
 */
final class Txt2ImgRuns {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

  /** One txt2img request in flight: its jobs, in image order, and when it began. */
  static final class Run {
    private final List<UUID> jobIds;
    private final Instant started;
    private volatile boolean interrupted;

    private Run(List<UUID> jobIds, Instant started) {
      this.jobIds = List.copyOf(jobIds);
      this.started = started;
    }

    boolean interrupted() {
      return interrupted;
    }

    /** A1111's {@code job_timestamp}. */
    String timestamp() {
      return TIMESTAMP.format(started);
    }
  }

  private final Map<UUID, List<Run>> byTenant = new ConcurrentHashMap<>();
  private final JobProgress progress;
  private final JobCancellation cancellation;
  private final Clock clock;

  Txt2ImgRuns(JobProgress progress, JobCancellation cancellation, Clock clock) {
    this.progress = progress;
    this.cancellation = cancellation;
    this.clock = clock;
  }

  Run start(Tenant tenant, List<UUID> jobIds) {
    Run run = new Run(jobIds, clock.instant());
    byTenant.computeIfAbsent(tenant.id(), id -> new CopyOnWriteArrayList<>()).add(run);
    return run;
  }

  void end(Tenant tenant, Run run) {
    byTenant.computeIfPresent(
        tenant.id(),
        (id, runs) -> {
          runs.remove(run);
          return runs.isEmpty() ? null : runs;
        });
  }

  /**
   * How far {@code tenant}'s requests are, as A1111 tells it: all their images together, the
   * running one's steps; idle when it has none in flight here.
   */
  ProgressResponse progress(Tenant tenant) throws SQLException {
    List<Run> runs = byTenant.getOrDefault(tenant.id(), List.of());
    if (runs.isEmpty()) {
      return ProgressResponse.IDLE;
    }
    List<UUID> ids = new ArrayList<>();
    runs.forEach(run -> ids.addAll(run.jobIds));
    List<JobProgress.Row> rows = progress.read(tenant.id(), ids);
    int ended = 0;
    double done = 0;
    int step = 0;
    int steps = 0;
    for (JobProgress.Row row : rows) {
      if (row.state().isTerminal()) {
        ended++;
        done += 1;
      } else if (row.total() > 0) {
        done += (double) row.step() / row.total();
        if (steps == 0) {
          step = row.step();
          steps = row.total();
        }
      }
    }
    Run first = runs.get(0);
    // As A1111 computes it: 0.01 so that a started request never shows 0, and the ETA from the
    // time taken so far.
    double fraction = Math.min(1, 0.01 + done / ids.size());
    double elapsed = Duration.between(first.started, clock.instant()).toMillis() / 1000.0;
    boolean interrupted = runs.stream().anyMatch(Run::interrupted);
    return new ProgressResponse(
        fraction,
        elapsed / fraction - elapsed,
        new ProgressResponse.State(
            false,
            interrupted,
            "scripts_txt2img",
            ids.size(),
            first.timestamp(),
            ended,
            step,
            steps),
        null,
        null);
  }

  /** Cancels the jobs of {@code tenant}'s requests in flight here; they answer what had ended. */
  void interrupt(Tenant tenant) throws SQLException {
    List<Run> runs = byTenant.getOrDefault(tenant.id(), List.of());
    List<UUID> ids = new ArrayList<>();
    for (Run run : runs) {
      run.interrupted = true;
      ids.addAll(run.jobIds);
    }
    if (!ids.isEmpty()) {
      cancellation.cancelAll(tenant, ids);
    }
  }
}
