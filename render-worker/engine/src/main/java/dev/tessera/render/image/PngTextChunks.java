package dev.tessera.render.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Encodes PNG text chunks (PNG spec, 11.3.4): {@code tEXt} when the text is Latin-1, else
 * uncompressed {@code iTXt} with the text in UTF-8, so a prompt such as "猫 in the rain" survives
 * instead of turning into question marks.
 */
final class PngTextChunks {
  private static final int MAX_KEYWORD_LENGTH = 79;

  private PngTextChunks() {}

  /**
   * All entries as consecutive chunks, in keyword order: a {@code Map.of}'s iteration order changes
   * from one JVM run to the next, and the bytes must not.
   *
   * @throws IllegalArgumentException if a keyword is not a valid PNG keyword or a text contains NUL
   */
  static byte[] encode(Map<String, String> text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new TreeMap<>(text).forEach((keyword, value) -> out.writeBytes(chunk(keyword, value)));
    return out.toByteArray();
  }

  /** One complete chunk (length, type, data, CRC) holding {@code text} under {@code keyword}. */
  static byte[] chunk(String keyword, String text) {
    checkKeyword(keyword);
    if (text.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("PNG text must not contain NUL (keyword " + keyword + ")");
    }
    byte[] name = keyword.getBytes(StandardCharsets.ISO_8859_1);
    if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(text)) {
      byte[] value = text.getBytes(StandardCharsets.ISO_8859_1);
      return chunk(
          "tEXt",
          ByteBuffer.allocate(name.length + 1 + value.length).put(name).put((byte) 0).put(value));
    }
    byte[] value = text.getBytes(StandardCharsets.UTF_8);
    // keyword NUL, compression flag 0 and method 0 (uncompressed), empty language tag NUL, empty
    // translated keyword NUL
    return chunk(
        "iTXt",
        ByteBuffer.allocate(name.length + 5 + value.length)
            .put(name)
            .put(new byte[] {0, 0, 0, 0, 0})
            .put(value));
  }

  private static byte[] chunk(String type, ByteBuffer data) {
    int length = data.capacity();
    ByteBuffer chunk = ByteBuffer.allocate(length + 12);
    chunk.putInt(length).put(type.getBytes(StandardCharsets.US_ASCII)).put(data.array());
    CRC32 crc = new CRC32();
    crc.update(chunk.array(), 4, 4 + length);
    return chunk.putInt((int) crc.getValue()).array();
  }

  /**
   * 1–79 printable Latin-1 characters, no leading, trailing or doubled spaces (PNG spec, 11.3.4.2).
   */
  private static void checkKeyword(String keyword) {
    boolean valid =
        !keyword.isEmpty()
            && keyword.length() <= MAX_KEYWORD_LENGTH
            && !keyword.startsWith(" ")
            && !keyword.endsWith(" ")
            && !keyword.contains("  ")
            && keyword.chars().allMatch(c -> (c >= 32 && c <= 126) || (c >= 161 && c <= 255));
    if (!valid) {
      throw new IllegalArgumentException("not a PNG keyword: \"" + keyword + "\"");
    }
  }
}
