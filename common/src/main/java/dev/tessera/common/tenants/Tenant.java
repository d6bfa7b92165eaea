package dev.tessera.common.tenants;

import java.util.UUID;

/**
 * Who submits jobs, and the limits that apply to it.
 *
 * @param weight its share of the farm against other tenants' (1–1000)
 * @param maxQueued at most this many of its jobs wait at once; a submission past it is refused
 *     whole
 * @param ratePerSecond API requests per second it may make (a token bucket of one second's burst)
 * @param operator whether it may read farm-wide views, such as the workers; other tenants see only
 *     their own jobs
 */
public record Tenant(
    UUID id, String name, int weight, int maxQueued, double ratePerSecond, boolean operator) {
  /** The limits a new tenant gets unless told otherwise. */
  public static final int DEFAULT_WEIGHT = 1;

  public static final int DEFAULT_MAX_QUEUED = 10_000;
  public static final double DEFAULT_RATE = 20;
}
