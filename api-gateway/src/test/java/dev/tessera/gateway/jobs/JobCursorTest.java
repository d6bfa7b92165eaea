package dev.tessera.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobCursorTest {
  @Test
  void roundTripsToTheMicrosecond() {
    JobCursor cursor =
        new JobCursor(
            Instant.parse("2026-01-02T03:04:05.123456Z"),
            UUID.fromString("ffffffff-2f4d-4c3a-9a7e-1d2c3b4a5f60"));
    String text = cursor.encode();
    assertTrue(text.matches("[A-Za-z0-9_-]+"), "URL-safe as it is: " + text);
    assertEquals(cursor, JobCursor.decode(text));
  }

  @Test
  void roundTripsBeforeTheEpochToo() {
    JobCursor cursor =
        new JobCursor(Instant.parse("1969-12-31T23:59:59.999999Z"), UUID.randomUUID());
    assertEquals(cursor, JobCursor.decode(cursor.encode()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not a cursor", "AQID", "AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
  void refusesWhatItDidNotMake(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JobCursor.decode(text));
    assertTrue(e.getMessage().startsWith("not a cursor of this API"), e.getMessage());
  }
}
