package dev.tessera.gateway.webhooks;

import java.time.Duration;

/**
 * When a failed delivery is tried again: {@code first} after the first failure, twice as long after
 * each further one, at most {@code max}, each wait shortened by up to a fifth at random so that the
 * deliveries of one outage do not all return at once; {@code maxAge} after the delivery was
 * enqueued it is given up (its last attempt falls at that moment). Pure; thread-safe.
 *
 * @param first wait after the first failed attempt
 * @param max longest wait between attempts
 * @param maxAge how long after its event a delivery is still tried
 */
public record RetrySchedule(Duration first, Duration max, Duration maxAge) {
  /** The share of a wait that jitter may take off. */
  static final double JITTER = 0.2;

  public RetrySchedule {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException(
          "webhook retries need 0 < first <= max, got " + first + " and " + max);
    }
    if (maxAge.compareTo(first) < 0) {
      throw new IllegalArgumentException(
          "webhook max age " + maxAge + " leaves no time for a retry after " + first);
    }
  }

  /**
   * The wait after the {@code failures}-th failed attempt of a delivery.
   *
   * @param random uniform in [0, 1): how much of the jitter to take off
   */
  public Duration waitAfter(int failures, double random) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures counts from 1, got " + failures);
    }
    // Capping the shift keeps the multiplication from overflowing after many failures.
    Duration wait = first.multipliedBy(1L << Math.min(failures - 1, 30));
    Duration capped = wait.compareTo(max) > 0 ? max : wait;
    return Duration.ofNanos((long) (capped.toNanos() * (1 - JITTER * random)));
  }
}
