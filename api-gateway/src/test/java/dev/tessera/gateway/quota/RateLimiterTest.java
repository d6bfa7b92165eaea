package dev.tessera.gateway.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final long SECOND = 1_000_000_000L;
  private final RateLimiter limiter = new RateLimiter();
  private final UUID tenant = UUID.randomUUID();

  @Test
  void aBurstOfOneSecondThenTheRate() {
    for (int i = 0; i < 4; i++) {
      assertEquals(Optional.empty(), limiter.take(tenant, 4, 0), "request " + i);
    }
    Duration wait = limiter.take(tenant, 4, 0).orElseThrow();
    assertEquals(Duration.ofMillis(250), wait);
    assertEquals(Optional.empty(), limiter.take(tenant, 4, SECOND / 4));
    assertTrue(limiter.take(tenant, 4, SECOND / 4).isPresent());
  }

  @Test
  void aSlowRateStillAllowsOneRequest() {
    assertEquals(Optional.empty(), limiter.take(tenant, 0.5, 0));
    assertEquals(Duration.ofSeconds(2), limiter.take(tenant, 0.5, 0).orElseThrow());
    assertEquals(Optional.empty(), limiter.take(tenant, 0.5, 2 * SECOND));
  }

  @Test
  void tenantsHaveBucketsOfTheirOwn() {
    assertEquals(Optional.empty(), limiter.take(tenant, 1, 0));
    assertTrue(limiter.take(tenant, 1, 0).isPresent());
    assertEquals(Optional.empty(), limiter.take(UUID.randomUUID(), 1, 0));
  }
}
