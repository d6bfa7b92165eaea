package dev.tessera.gateway.quota;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per-tenant token buckets for the API request rate: each holds up to one second's worth of
 * requests (at least one) and refills at the tenant's rate. Per gateway replica: with N replicas
 * behind a balancer a tenant gets up to N times its rate. Pure logic over a clock in nanoseconds;
 * thread-safe.
 */
public final class RateLimiter {
  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  private final ConcurrentMap<UUID, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * Takes a token of {@code tenant}'s bucket at {@code nowNanos}.
   *
   * @return empty when the request may run; else how long until a token is there
   */
  public Optional<Duration> take(UUID tenant, double ratePerSecond, long nowNanos) {
    double capacity = Math.max(1, ratePerSecond);
    Bucket bucket = buckets.computeIfAbsent(tenant, t -> new Bucket(capacity, nowNanos));
    synchronized (bucket) {
      double elapsed = Math.max(0, nowNanos - bucket.at) / 1e9;
      bucket.tokens = Math.min(capacity, bucket.tokens + elapsed * ratePerSecond);
      bucket.at = nowNanos;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return Optional.empty();
      }
      return Optional.of(
          Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) / ratePerSecond * 1e9)));
    }
  }
}
