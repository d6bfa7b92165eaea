package dev.tessera.gateway.outbox;

import java.time.Duration;

/**
 * Exponential backoff: {@code initial}, doubling after each failure up to {@code max}; {@link
 * #reset} on success.
 */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private int failures;

  Backoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= max, got " + initial + " and " + max);
    }
    this.initial = initial;
    this.max = max;
  }

  /** Counts a failure and returns how long to wait before the next try. */
  Duration next() {
    failures++;
    // Capping the shift keeps the multiplication from overflowing after many failures.
    Duration wait = initial.multipliedBy(1L << Math.min(failures - 1, 20));
    return wait.compareTo(max) > 0 ? max : wait;
  }

  /** Failures since the last {@link #reset}. */
  int failures() {
    return failures;
  }

  void reset() {
    failures = 0;
  }
}
