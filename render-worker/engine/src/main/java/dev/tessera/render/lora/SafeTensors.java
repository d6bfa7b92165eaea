package dev.tessera.render.lora;

import ai.onnxruntime.platform.Fp16Conversions;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the safetensors format: an 8-byte little-endian header length N, N bytes of JSON mapping
 * each tensor's name to {@code dtype}, {@code shape} and {@code data_offsets} (begin and end,
 * relative to the end of the header), an optional {@code __metadata__} object of strings, then the
 * data. Reads F32, F16 and BF16 tensors (widened to float); refuses other types, and every file
 * whose header or offsets do not add up, with an {@link IOException} naming the file and the
 * problem. Pure; thread-safe.
 */
public final class SafeTensors {
  /** The format's own bound on the header (100 MB), which also bounds what a bad file can cost. */
  static final long MAX_HEADER = 100_000_000;

  /** Bytes per element of each supported dtype. */
  private static final Map<String, Integer> SIZES = Map.of("F32", 4, "F16", 2, "BF16", 2);

  private static final ObjectMapper JSON = new ObjectMapper();

  private SafeTensors() {}

  /**
   * Every tensor of {@code file}, by name, in header order.
   *
   * @throws IOException naming the file and what is wrong with it
   */
  public static Map<String, SafeTensor> read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE) {
        throw new IOException(file + ": larger than 2 GiB, which no LoRA adapter is");
      }
      ByteBuffer bytes = ByteBuffer.allocate((int) size);
      while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
        // read until full
      }
      bytes.flip();
      return parse(bytes, file.toString());
    }
  }

  /**
   * Every tensor of the safetensors content in {@code bytes}; {@code source} names it in errors.
   */
  public static Map<String, SafeTensor> parse(ByteBuffer bytes, String source) throws IOException {
    ByteBuffer data = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (data.remaining() < 8) {
      throw new IOException(source + ": not a safetensors file (shorter than its 8-byte header)");
    }
    long headerLength = data.getLong();
    if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > data.remaining()) {
      throw new IOException(
          source
              + ": bad header length "
              + Long.toUnsignedString(headerLength)
              + " (the file has "
              + data.remaining()
              + " bytes after it)");
    }
    byte[] header = new byte[(int) headerLength];
    data.get(header);
    ByteBuffer body = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    JsonNode root;
    try {
      root = JSON.readTree(new String(header, StandardCharsets.UTF_8));
    } catch (JacksonException e) {
      throw new IOException(source + ": header is not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException(source + ": header is not a JSON object");
    }
    Map<String, SafeTensor> tensors = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getKey().equals("__metadata__")) {
        tensors.put(field.getKey(), tensor(field.getKey(), field.getValue(), body, source));
      }
    }
    return tensors;
  }

  private static SafeTensor tensor(String name, JsonNode info, ByteBuffer body, String source)
      throws IOException {
    String where = source + ": tensor " + name;
    if (!info.isObject()) {
      throw new IOException(where + ": entry is not an object");
    }
    String dtype = info.path("dtype").asText("");
    Integer width = SIZES.get(dtype);
    if (width == null) {
      throw new IOException(
          where + ": dtype '" + dtype + "' is not supported (F32, F16 and BF16 are)");
    }
    JsonNode shapeNode = info.path("shape");
    JsonNode offsets = info.path("data_offsets");
    if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
      throw new IOException(where + ": needs a shape array and two data_offsets");
    }
    long[] shape = new long[shapeNode.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong(-1);
      if (!shapeNode.get(i).canConvertToLong() || shape[i] < 0) {
        throw new IOException(where + ": bad shape " + shapeNode);
      }
      count = Math.multiplyExact(count, shape[i]);
    }
    long begin = offsets.get(0).asLong(-1);
    long end = offsets.get(1).asLong(-1);
    if (begin < 0 || end < begin || end > body.capacity()) {
      throw new IOException(
          where
              + ": data_offsets ["
              + offsets.get(0)
              + ", "
              + offsets.get(1)
              + "] lie outside the "
              + body.capacity()
              + " data bytes");
    }
    if (end - begin != count * width) {
      throw new IOException(
          where
              + ": data_offsets hold "
              + (end - begin)
              + " bytes, but "
              + dtype
              + shapeNode
              + " needs "
              + count * width);
    }
    float[] values = new float[(int) count];
    int at = (int) begin;
    for (int i = 0; i < values.length; i++, at += width) {
      values[i] =
          switch (dtype) {
            case "F32" -> body.getFloat(at);
            case "F16" -> Fp16Conversions.fp16ToFloat(body.getShort(at));
            default -> Float.intBitsToFloat((body.getShort(at) & 0xffff) << 16);
          };
    }
    return new SafeTensor(name, dtype, shape, values);
  }
}
