package dev.tessera.gateway.batches;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.tessera.gateway.api.BatchView.RequestCounts;

/**
 * Where a batch is, derived from its jobs' states alone: the scheduler stays the single writer of
 * job state, and a batch needs no state of its own to keep in step.
 */
public enum BatchState {
  /** Some of its jobs are queued, dispatched or running. */
  IN_PROGRESS("in_progress"),
  /** Every job ended, none canceled. */
  COMPLETED("completed"),
  /** Every job ended, and some (or all) were canceled. */
  CANCELLED("cancelled");

  private final String wireName;

  BatchState(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** The state of a batch whose jobs are in these states. */
  public static BatchState of(RequestCounts counts) {
    if (counts.queued() + counts.dispatched() + counts.running() > 0) {
      return IN_PROGRESS;
    }
    return counts.canceled() > 0 ? CANCELLED : COMPLETED;
  }
}
