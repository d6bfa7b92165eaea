package dev.tessera.gateway.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WaitTimeTest {
  @Test
  void wholeSecondsFromZeroToSixty() {
    assertEquals(Duration.ZERO, WaitTime.parse(null));
    assertEquals(Duration.ZERO, WaitTime.parse("0"));
    assertEquals(Duration.ofSeconds(60), WaitTime.parse("60"));
    assertEquals(Duration.ofSeconds(7), WaitTime.parse("07"));
  }

  @Test
  void anythingElseIsRefused() {
    for (String wait : new String[] {"61", "-1", "1.5", "abc", "", " 5", "9999999999"}) {
      assertThrows(InvalidWaitException.class, () -> WaitTime.parse(wait), wait);
    }
  }
}
