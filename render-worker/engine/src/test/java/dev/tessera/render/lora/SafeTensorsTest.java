package dev.tessera.render.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader on files written byte by byte. */
class SafeTensorsTest {
  @TempDir Path dir;

  private static Map<String, SafeTensor> parse(byte[] file) throws IOException {
    return SafeTensors.parse(ByteBuffer.wrap(file), "test.safetensors");
  }

  private static byte[] file(String header, byte[] data) {
    return SafeTensorsWriter.withHeader(header.getBytes(StandardCharsets.UTF_8), data);
  }

  @Test
  void readsHandWrittenHeaderAndLittleEndianF32() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    data.putFloat(1.5f).putFloat(-2f).putFloat(0.25f).putFloat(3f);
    byte[] bytes =
        file(
            "{\"__metadata__\":{\"a\":\"b\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}",
            data.array());
    SafeTensor w = parse(bytes).get("w");
    assertEquals("F32", w.dtype());
    assertArrayEquals(new long[] {2, 2}, w.shape());
    assertArrayEquals(new float[] {1.5f, -2f, 0.25f, 3f}, w.values());
  }

  @Test
  void readsF16AndBf16AtTheirOffsets() throws IOException {
    // F16 1.0 = 0x3C00, -0.5 = 0xB800; BF16 2.0 = 0x4000, 0.5 = 0x3F00.
    byte[] data = {0x00, 0x3C, 0x00, (byte) 0xB8, 0x00, 0x40, 0x00, 0x3F};
    byte[] bytes =
        file(
            "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2,1],\"data_offsets\":[4,8]},"
                + "\"s\":{\"dtype\":\"F16\",\"shape\":[],\"data_offsets\":[2,4]}}",
            data);
    Map<String, SafeTensor> tensors = parse(bytes);
    assertArrayEquals(new float[] {1f, -0.5f}, tensors.get("h").values());
    assertArrayEquals(new float[] {2f, 0.5f}, tensors.get("b").values());
    assertArrayEquals(new float[] {-0.5f}, tensors.get("s").values(), "a scalar");
    assertEquals(List.of("h", "b", "s"), List.copyOf(tensors.keySet()));
  }

  @Test
  void theWriterAndReaderAgreeThroughAFile() throws IOException {
    Path file =
        new SafeTensorsWriter()
            .add("x", "F32", new long[] {3}, new float[] {1, 2, 3})
            .add("y", "F16", new long[] {1, 2}, new float[] {0.5f, -4f})
            .write(dir.resolve("a.safetensors"));
    Map<String, SafeTensor> tensors = SafeTensors.read(file);
    assertArrayEquals(new float[] {1, 2, 3}, tensors.get("x").values());
    assertArrayEquals(new float[] {0.5f, -4f}, tensors.get("y").values());
  }

  private static void assertRefused(byte[] bytes, String expected) {
    IOException e = assertThrows(IOException.class, () -> parse(bytes));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().startsWith("test.safetensors"), e.getMessage());
  }

  @Test
  void refusesAHeaderLengthPastTheEnd() {
    ByteBuffer bytes = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putLong(1_000).put("{}".getBytes(StandardCharsets.UTF_8));
    assertRefused(bytes.array(), "bad header length 1000");
    ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1);
    assertRefused(huge.array(), "bad header length 18446744073709551615");
    assertRefused(new byte[5], "shorter than its 8-byte header");
  }

  @Test
  void refusesOffsetsPastTheEnd() {
    assertRefused(
        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]),
        "tensor w: data_offsets [0, 16] lie outside the 8 data bytes");
  }

  @Test
  void refusesOffsetsThatDisagreeWithTheShape() {
    assertRefused(
        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]),
        "tensor w: data_offsets hold 8 bytes, but F32[3] needs 12");
  }

  @Test
  void refusesOtherDtypesAndAHeaderThatIsNotJson() {
    assertRefused(
        file("{\"w\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1]),
        "dtype 'I8' is not supported");
    assertRefused(file("{not json", new byte[0]), "header is not JSON");
    assertRefused(file("[1,2]", new byte[0]), "header is not a JSON object");
  }

  @Test
  void aMissingFileIsAnIoError() {
    assertThrows(IOException.class, () -> SafeTensors.read(dir.resolve("none.safetensors")));
    assertTrue(Files.notExists(dir.resolve("none.safetensors")));
  }
}
