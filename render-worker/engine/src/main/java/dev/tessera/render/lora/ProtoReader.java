package dev.tessera.render.lora;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Walks the fields of one protobuf message in a buffer: just enough of the wire format to read the
 * node names and initializers of an ONNX model without the protobuf library. Positions are absolute
 * in the buffer, so a field's bytes can be found again later.
 *
 * <p>Lifetime: one reader per message, used from one thread while the buffer stays valid.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LEN = 2;
  static final int FIXED32 = 5;

  private final ByteBuffer buffer;
  private final String source;
  private int position;
  private final int end;
  private int field;
  private int wireType;

  ProtoReader(ByteBuffer buffer, int start, int end, String source) {
    this.buffer = buffer;
    this.position = start;
    this.end = end;
    this.source = source;
  }

  /** Moves to the next field; false at the end of the message. */
  boolean next() throws IOException {
    if (position >= end) {
      return false;
    }
    long key = varint();
    field = (int) (key >>> 3);
    wireType = (int) (key & 7);
    return true;
  }

  /** Where the reader is: the start of the next field, once the current one was read. */
  int position() {
    return position;
  }

  /** A reader over the same message from where this one is. */
  ProtoReader copy() {
    return new ProtoReader(buffer, position, end, source);
  }

  /** Whether bytes are left in the message (for packed repeated fields, which have no keys). */
  boolean hasMore() {
    return position < end;
  }

  int field() {
    return field;
  }

  int wireType() {
    return wireType;
  }

  long varint() throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position >= end) {
        throw malformed("a varint runs past its message");
      }
      byte b = buffer.get(position++);
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw malformed("a varint is longer than 10 bytes");
  }

  /** The current length-delimited field as [start, end) positions; moves past it. */
  int[] bytes() throws IOException {
    long length = varint();
    if (length < 0 || length > end - position) {
      throw malformed("a field of " + length + " bytes runs past its message");
    }
    int start = position;
    position += (int) length;
    return new int[] {start, position};
  }

  String string() throws IOException {
    int[] range = bytes();
    byte[] text = new byte[range[1] - range[0]];
    buffer.get(range[0], text);
    return new String(text, StandardCharsets.UTF_8);
  }

  ProtoReader message() throws IOException {
    int[] range = bytes();
    return new ProtoReader(buffer, range[0], range[1], source);
  }

  /** Skips the current field's value. */
  void skip() throws IOException {
    switch (wireType) {
      case VARINT -> varint();
      case FIXED64 -> position += 8;
      case LEN -> bytes();
      case FIXED32 -> position += 4;
      default -> throw malformed("wire type " + wireType + " is not supported");
    }
    if (position > end) {
      throw malformed("a field runs past its message");
    }
  }

  IOException malformed(String problem) {
    return new IOException(source + ": not a readable ONNX model: " + problem);
  }
}
