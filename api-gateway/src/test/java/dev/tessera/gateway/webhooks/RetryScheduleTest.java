package dev.tessera.gateway.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  private final RetrySchedule schedule =
      new RetrySchedule(Duration.ofSeconds(5), Duration.ofHours(1), Duration.ofHours(24));

  @Test
  void doublesFromTheFirstWaitUpToTheMax() {
    assertEquals(Duration.ofSeconds(5), schedule.waitAfter(1, 0));
    assertEquals(Duration.ofSeconds(10), schedule.waitAfter(2, 0));
    assertEquals(Duration.ofSeconds(20), schedule.waitAfter(3, 0));
    assertEquals(Duration.ofSeconds(2560), schedule.waitAfter(10, 0));
    assertEquals(Duration.ofHours(1), schedule.waitAfter(11, 0));
    assertEquals(Duration.ofHours(1), schedule.waitAfter(1000, 0));
  }

  @Test
  void jitterTakesOffUpToAFifth() {
    assertEquals(Duration.ofSeconds(4), schedule.waitAfter(1, 1.0));
    assertEquals(Duration.ofMillis(4500), schedule.waitAfter(1, 0.5));
    assertEquals(Duration.ofMinutes(48), schedule.waitAfter(40, 1.0));
  }

  @Test
  void refusesASenselessSchedule() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new RetrySchedule(Duration.ZERO, Duration.ofHours(1), Duration.ofHours(24)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new RetrySchedule(Duration.ofHours(2), Duration.ofHours(1), Duration.ofHours(24)));
    assertThrows(IllegalArgumentException.class, () -> schedule.waitAfter(0, 0));
  }
}
