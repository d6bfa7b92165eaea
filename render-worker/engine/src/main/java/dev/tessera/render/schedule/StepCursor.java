package dev.tessera.render.schedule;

/**
 * Where a render is in its schedule: the begin index and the step index the next {@code step} call
 * must carry. Schedulers keep solver history between steps, so steps must come in order from the
 * begin index without gaps; this class turns a skipped or repeated step into an error instead of a
 * silently wrong image.
 */
final class StepCursor {

  private final int steps;
  private int beginIndex;
  private int next;

  StepCursor(int steps) {
    this.steps = steps;
  }

  /** Restarts at {@code stepIndex}: the next step must be that one. */
  void begin(int stepIndex) {
    checkIndex(stepIndex);
    beginIndex = stepIndex;
    next = stepIndex;
  }

  int beginIndex() {
    return beginIndex;
  }

  /** Rejects {@code stepIndex} unless it is the step due now; the cursor does not move. */
  void requireNext(int stepIndex) {
    checkIndex(stepIndex);
    if (stepIndex != next) {
      throw new IllegalArgumentException(
          "step index "
              + stepIndex
              + " is out of order: the next step is "
              + next
              + " (begin index "
              + beginIndex
              + ", "
              + steps
              + " steps)");
    }
  }

  /** Records that the step due has been taken, once its result exists. */
  void completed() {
    next++;
  }

  boolean isLast(int stepIndex) {
    return stepIndex == steps - 1;
  }

  void checkIndex(int stepIndex) {
    if (stepIndex < 0 || stepIndex >= steps) {
      throw new IllegalArgumentException(
          "step index " + stepIndex + " is outside 0.." + (steps - 1) + " for " + steps + " steps");
    }
  }

  /**
   * Rejects a tensor whose length differs from the sample's; {@code name} says which argument it
   * is.
   */
  static void requireSameLength(String name, float[] values, float[] sample) {
    if (values == null || sample == null) {
      throw new IllegalArgumentException(name + " and sample are required");
    }
    if (values.length != sample.length) {
      throw new IllegalArgumentException(
          name + " has " + values.length + " values but the sample has " + sample.length);
    }
  }
}
