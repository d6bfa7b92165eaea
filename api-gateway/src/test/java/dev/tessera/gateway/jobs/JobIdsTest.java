package dev.tessera.gateway.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobIdsTest {
  /** Ids compared as PostgreSQL compares uuids: byte by byte, unsigned. */
  private static int compareAsPostgres(UUID a, UUID b) {
    int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
    return high != 0
        ? high
        : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
  }

  @Test
  void tenThousandIdsInARowIncreaseStrictlyInJavaAndInPostgres() {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(JobIds.next());
    }
    for (int i = 1; i < ids.size(); i++) {
      assertTrue(ids.get(i - 1).compareTo(ids.get(i)) < 0, "at " + i);
      assertTrue(compareAsPostgres(ids.get(i - 1), ids.get(i)) < 0, "at " + i);
    }
  }

  @Test
  void theyAreVersion7WithTheRfcVariantAndTodaysTime() {
    long before = System.currentTimeMillis();
    UUID id = JobIds.next();
    assertEquals(7, id.version());
    assertEquals(2, id.variant());
    long millis = id.getMostSignificantBits() >>> 16;
    assertTrue(millis >= before && millis <= System.currentTimeMillis() + 5, "time " + millis);
  }
}
