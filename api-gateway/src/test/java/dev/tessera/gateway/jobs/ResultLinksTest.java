package dev.tessera.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Result URLs stay the same through a signing window, and are valid a window longer. */
class ResultLinksTest {
  private static final Instant WINDOW_START = Instant.parse("2026-03-01T10:05:00Z");

  private static ResultLinks at(Instant now) {
    return new ResultLinks(
        "http://s3.example:9000",
        "us-east-1",
        "access",
        "secret",
        "tessera",
        Duration.ofHours(1),
        Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void theSameObjectGetsTheSameUrlThroughAWindow() {
    UUID job = UUID.randomUUID();
    String first = at(WINDOW_START).forJob(job, null);
    assertEquals(first, at(WINDOW_START.plusSeconds(299)).forJob(job, null));
    assertTrue(first.contains("X-Amz-Date=20260301T100500Z"), first);
    // An hour and the 5-minute window: valid at least an hour whenever in the window it is served.
    assertTrue(first.contains("X-Amz-Expires=3900"), first);
    assertTrue(first.startsWith("http://s3.example:9000/tessera/results/" + job + ".png?"), first);
  }

  @Test
  void theNextWindowSignsAnew() {
    String key = "results/a.png";
    String first = at(WINDOW_START.plusSeconds(299)).presignedGet(key);
    String next = at(WINDOW_START.plusSeconds(300)).presignedGet(key);
    assertNotEquals(first, next);
    assertTrue(next.contains("X-Amz-Date=20260301T101000Z"), next);
  }

  @Test
  void aKeptUrlIsNotServedIntoTheNextWindow() {
    Instant[] now = {WINDOW_START};
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now[0];
          }
        };
    ResultLinks links =
        new ResultLinks(
            "http://s3.example:9000",
            "us-east-1",
            "access",
            "secret",
            "tessera",
            Duration.ofHours(1),
            clock);
    String first = links.presignedGet("results/a.png");
    assertEquals(first, links.presignedGet("results/a.png"));
    now[0] = WINDOW_START.plusSeconds(300);
    String next = links.presignedGet("results/a.png");
    assertEquals(at(now[0]).presignedGet("results/a.png"), next);
    assertNotEquals(first, next);
  }

  @Test
  void otherObjectsGetOtherSignatures() {
    ResultLinks links = at(WINDOW_START);
    assertNotEquals(
        links.presignedGet("results/a.png").replace("a.png", ""),
        links.presignedGet("results/b.png").replace("b.png", ""));
  }
}
