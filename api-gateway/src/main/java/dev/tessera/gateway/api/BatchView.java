package dev.tessera.gateway.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tessera.gateway.batches.BatchState;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A batch as {@code GET /v1/batches/{id}} (and the answer to its submission) shows it.
 *
 * @param state derived from its jobs' states, see {@link BatchState#of}
 * @param requestCounts its jobs per state, now
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@Schema(name = "Batch")
public record BatchView(UUID id, BatchState state, RequestCounts requestCounts, Instant createdAt) {

  /** How many of a batch's jobs are in each state; {@code total} is all of them. */
  @Schema(name = "RequestCounts")
  public record RequestCounts(
      int queued,
      @Schema(description = "Sent to their model's workers, not started yet") int dispatched,
      int running,
      int succeeded,
      int failed,
      int canceled,
      int total) {

    /** A batch just stored: every job queued. */
    public static RequestCounts allQueued(int total) {
      return new RequestCounts(total, 0, 0, 0, 0, 0, total);
    }
  }

  /** A batch just stored. */
  public static BatchView queued(UUID id, int jobs, Instant createdAt) {
    RequestCounts counts = RequestCounts.allQueued(jobs);
    return new BatchView(id, BatchState.of(counts), counts, createdAt);
  }
}
