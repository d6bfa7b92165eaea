package dev.tessera.gateway.jobs;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * Where a page of a job listing ended: the last job's creation time and id, the listing's sort key.
 * Clients get it as an opaque URL-safe string, so its form may change without breaking them; a
 * version byte leads, for that day.
 */
public record JobCursor(Instant createdAt, UUID id) {
  private static final byte VERSION = 1;
  private static final int LENGTH = 1 + Long.BYTES + 2 * Long.BYTES;

  /** The cursor as clients see it. */
  public String encode() {
    ByteBuffer bytes = ByteBuffer.allocate(LENGTH);
    bytes.put(VERSION);
    bytes.putLong(ChronoUnit.MICROS.between(Instant.EPOCH, createdAt));
    bytes.putLong(id.getMostSignificantBits());
    bytes.putLong(id.getLeastSignificantBits());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
  }

  /**
   * The cursor {@code text} stands for.
   *
   * @throws IllegalArgumentException when it is not a cursor that {@link #encode()} made
   */
  public static JobCursor decode(String text) {
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      raw = new byte[0];
    }
    if (raw.length != LENGTH || raw[0] != VERSION) {
      throw new IllegalArgumentException(
          "not a cursor of this API; pass the next_cursor of the previous page as it came");
    }
    ByteBuffer bytes = ByteBuffer.wrap(raw, 1, LENGTH - 1);
    Instant createdAt = Instant.EPOCH.plus(bytes.getLong(), ChronoUnit.MICROS);
    return new JobCursor(createdAt, new UUID(bytes.getLong(), bytes.getLong()));
  }
}
