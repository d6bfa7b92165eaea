package dev.tessera.gateway.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesUpToTheCapAndStartsOverAfterAReset() {
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3));
    assertEquals(Duration.ofMillis(500), backoff.next());
    assertEquals(Duration.ofSeconds(1), backoff.next());
    assertEquals(Duration.ofSeconds(2), backoff.next());
    assertEquals(Duration.ofSeconds(3), backoff.next());
    assertEquals(4, backoff.failures());
    for (int i = 0; i < 100; i++) {
      assertEquals(Duration.ofSeconds(3), backoff.next(), "no overflow after many failures");
    }
    backoff.reset();
    assertEquals(0, backoff.failures());
    assertEquals(Duration.ofMillis(500), backoff.next());
  }

  @Test
  void refusesAZeroStartOrACapBelowIt() {
    assertThrows(
        IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }
}
