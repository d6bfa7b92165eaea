package dev.tessera.gateway.console;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The operator board's data, {@code GET /v1/board}: the farm as its own tables show it now.
 *
 * @param at the database's time of the reading
 * @param backlog per model, jobs waiting and running
 * @param workers every worker the scheduler heard from, with the job it renders
 * @param throughput jobs ended per minute over the last {@link #THROUGHPUT_MINUTES} minutes, oldest
 *     first, every minute present (zeros included)
 * @param failures jobs FAILED in the last hour, grouped by their reason, most frequent first
 * @param stages per stage, the distribution of its time over the jobs that succeeded in the last
 *     hour; {@code queue_wait} is submission to start
 * @param tenants per tenant, jobs waiting and running now, and those ended in the last 24 hours
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(name = "Board")
public record Board(
    Instant at,
    List<Backlog> backlog,
    List<Worker> workers,
    List<Minute> throughput,
    List<Failure> failures,
    List<Stage> stages,
    List<TenantUsage> tenants) {
  /** How many minutes {@link #throughput} covers. */
  public static final int THROUGHPUT_MINUTES = 30;

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @Schema(name = "BoardBacklog")
  public record Backlog(String model, long queued, long dispatched, long running) {}

  /**
   * @param state IDLE, BUSY, DRAINING, STOPPED, or LOST (not heard from within the lease)
   * @param jobTenant the tenant of {@code jobId}, else null
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @Schema(name = "BoardWorker")
  public record Worker(
      String id,
      List<String> models,
      String state,
      @Schema(nullable = true) UUID jobId,
      @Schema(nullable = true) String jobTenant,
      @Schema(nullable = true) Integer step,
      @Schema(nullable = true) Integer total,
      Instant lastSeen) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @Schema(name = "BoardMinute")
  public record Minute(Instant minute, long succeeded, long failed, long canceled) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @Schema(name = "BoardFailure")
  public record Failure(String error, long jobs, Instant last, UUID lastJob) {}

  /** Milliseconds at the 50th, 90th and 99th percentiles, and the longest. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @Schema(name = "BoardStage")
  public record Stage(String stage, long jobs, double p50, double p90, double p99, double max) {}

  /**
   * @param renderSeconds the time its jobs ended in the last 24 hours ran, start to end
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @Schema(name = "BoardTenant")
  public record TenantUsage(
      String tenant,
      long waiting,
      long running,
      long succeeded,
      long failed,
      long canceled,
      double renderSeconds) {}
}
