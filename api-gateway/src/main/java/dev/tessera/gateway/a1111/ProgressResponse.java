package dev.tessera.gateway.a1111;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A1111's {@code GET /sdapi/v1/progress} answer.
 *
 * @param progress 0 to 1 over the whole request
 * @param etaRelative seconds left, estimated from the time so far
 * @param currentImage always null: the farm shows no preview while it renders
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ProgressResponse(
    double progress, double etaRelative, State state, String currentImage, String textinfo) {

  /** Nothing is being generated. */
  static final ProgressResponse IDLE =
      new ProgressResponse(0, 0, new State(false, false, "", 0, "0", 0, 0, 0), null, null);

  /**
   * A1111's {@code shared.state}: how many images ({@code job_count}), how many of them done
   * ({@code job_no}), and the steps of the one being rendered.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record State(
      boolean skipped,
      boolean interrupted,
      String job,
      int jobCount,
      String jobTimestamp,
      int jobNo,
      int samplingStep,
      int samplingSteps) {}
}
