package dev.tessera.render.lora;

import ai.onnxruntime.platform.Fp16Conversions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes safetensors files byte by byte for tests: the header JSON is composed here by hand, not by
 * a library, so the reader is checked against the format itself.
 */
public final class SafeTensorsWriter {
  private record Entry(String name, String dtype, long[] shape, byte[] data) {}

  private final List<Entry> entries = new ArrayList<>();

  /** Adds a tensor stored as {@code dtype} (F32, F16 or BF16, BF16 truncating). */
  public SafeTensorsWriter add(String name, String dtype, long[] shape, float[] values) {
    int width = dtype.equals("F32") ? 4 : 2;
    ByteBuffer data = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      switch (dtype) {
        case "F32" -> data.putFloat(v);
        case "F16" -> data.putShort(Fp16Conversions.floatToFp16(v));
        case "BF16" -> data.putShort((short) (Float.floatToIntBits(v) >>> 16));
        default -> throw new IllegalArgumentException(dtype);
      }
    }
    entries.add(new Entry(name, dtype, shape, data.array()));
    return this;
  }

  /** The file's bytes. */
  public byte[] bytes() {
    StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    long offset = 0;
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (Entry e : entries) {
      header.append(",\"").append(e.name()).append("\":{\"dtype\":\"").append(e.dtype());
      header.append("\",\"shape\":[");
      for (int i = 0; i < e.shape().length; i++) {
        header.append(i == 0 ? "" : ",").append(e.shape()[i]);
      }
      header.append("],\"data_offsets\":[").append(offset).append(',');
      offset += e.data().length;
      header.append(offset).append("]}");
      data.writeBytes(e.data());
    }
    header.append('}');
    return withHeader(header.toString().getBytes(StandardCharsets.UTF_8), data.toByteArray());
  }

  /** A file of {@code header} (with its 8-byte length in front) and {@code data}. */
  public static byte[] withHeader(byte[] header, byte[] data) {
    ByteBuffer file =
        ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    file.putLong(header.length).put(header).put(data);
    return file.array();
  }

  public Path write(Path file) throws IOException {
    return Files.write(file, bytes());
  }
}
