package dev.tessera.gateway.jobs;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Job ids that sort by creation: RFC 9562 version 7 UUIDs (48 bits of Unix milliseconds, then a
 * 12-bit counter, then 62 random bits), increasing strictly within this process. The dispatcher
 * breaks ties of priority, share and {@code created_at} by id, and every job of a batch has the
 * batch's {@code created_at}: with these ids a batch's jobs go in the order of its items.
 */
public final class JobIds {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int COUNTER_BITS = 12;
  private static long lastMillis;
  private static int counter;

  private JobIds() {}

  /** A new id, greater than every id this process made before. */
  public static UUID next() {
    long millis;
    int sequence;
    synchronized (JobIds.class) {
      long now = System.currentTimeMillis();
      if (now > lastMillis) {
        lastMillis = now;
        counter = 0;
      } else if (++counter >> COUNTER_BITS != 0) {
        // 4,096 ids in one millisecond: borrow the next one, keeping the order.
        lastMillis++;
        counter = 0;
      }
      millis = lastMillis;
      sequence = counter;
    }
    long msb = millis << 16 | 0x7000L | sequence;
    long lsb = RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }
}
