package dev.tessera.gateway.batches;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Writes rows in PostgreSQL's binary {@code COPY ... FROM STDIN (FORMAT binary)} format: no
 * escaping to get wrong (prompts and custom ids may hold tabs, newlines and backslashes), and no
 * text for the server to parse back into uuids, timestamps and bytea. Each value must match its
 * column's type exactly; the methods are named for the types they write.
 *
 * <p>Not thread-safe. {@link #finish()} writes the trailer and flushes; it does not close the
 * stream.
 */
final class BinaryCopyWriter {
  private static final byte[] SIGNATURE = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0
  };
  private static final Instant POSTGRES_EPOCH = Instant.parse("2000-01-01T00:00:00Z");
  private static final byte JSONB_VERSION = 1;
  private static final int TEXT_OID = 25;
  // dimensions, flags, element type, then the one dimension's size and lower bound
  private static final int ARRAY_HEADER_BYTES = 5 * Integer.BYTES;

  private final DataOutputStream out;

  BinaryCopyWriter(OutputStream out) throws IOException {
    this.out = new DataOutputStream(out);
    this.out.write(SIGNATURE);
    this.out.writeInt(0); // flags: no OIDs
    this.out.writeInt(0); // no header extension
  }

  /** Starts a row of {@code fields} values, which the next calls write in column order. */
  BinaryCopyWriter row(int fields) throws IOException {
    out.writeShort(fields);
    return this;
  }

  BinaryCopyWriter uuid(UUID value) throws IOException {
    out.writeInt(16);
    out.writeLong(value.getMostSignificantBits());
    out.writeLong(value.getLeastSignificantBits());
    return this;
  }

  BinaryCopyWriter text(String value) throws IOException {
    // The binary form of text is its bytes in the server's encoding, UTF-8 here as everywhere.
    return bytea(value.getBytes(StandardCharsets.UTF_8));
  }

  /** A {@code jsonb} value from its UTF-8 JSON text. */
  BinaryCopyWriter jsonb(byte[] json) throws IOException {
    out.writeInt(json.length + 1);
    out.writeByte(JSONB_VERSION);
    out.write(json);
    return this;
  }

  /** A {@code smallint}; {@code value} must fit its 16 bits. */
  BinaryCopyWriter int2(int value) throws IOException {
    if (value != (short) value) {
      throw new IllegalArgumentException("a smallint holds -32768 to 32767, got " + value);
    }
    out.writeInt(2);
    out.writeShort(value);
    return this;
  }

  BinaryCopyWriter int4(int value) throws IOException {
    out.writeInt(4);
    out.writeInt(value);
    return this;
  }

  /** A {@code timestamptz}, to the microsecond (PostgreSQL's precision). */
  BinaryCopyWriter timestamptz(Instant value) throws IOException {
    out.writeInt(8);
    out.writeLong(ChronoUnit.MICROS.between(POSTGRES_EPOCH, value));
    return this;
  }

  BinaryCopyWriter bytea(byte[] value) throws IOException {
    out.writeInt(value.length);
    out.write(value);
    return this;
  }

  /** A one-dimensional {@code text[]} without nulls, indexed from 1 as SQL's arrays are. */
  BinaryCopyWriter textArray(List<String> values) throws IOException {
    List<byte[]> elements =
        values.stream().map(value -> value.getBytes(StandardCharsets.UTF_8)).toList();
    int length =
        ARRAY_HEADER_BYTES + elements.stream().mapToInt(e -> Integer.BYTES + e.length).sum();
    out.writeInt(length);
    out.writeInt(1); // dimensions
    out.writeInt(0); // flags: no nulls
    out.writeInt(TEXT_OID);
    out.writeInt(elements.size());
    out.writeInt(1); // lower bound
    for (byte[] element : elements) {
      bytea(element);
    }
    return this;
  }

  /** A SQL NULL, of any type. */
  BinaryCopyWriter nothing() throws IOException {
    out.writeInt(-1);
    return this;
  }

  /** Ends the data: writes the trailer and flushes. */
  void finish() throws IOException {
    out.writeShort(-1);
    out.flush();
  }
}
