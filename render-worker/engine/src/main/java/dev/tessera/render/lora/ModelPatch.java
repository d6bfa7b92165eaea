package dev.tessera.render.lora;

import ai.onnxruntime.platform.Fp16Conversions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * An ONNX model's bytes with some initializers replaced by merged weights (stored inline), every
 * other byte as in the file. ONNX Runtime then builds and optimizes the session exactly as for the
 * file itself. (Overriding through {@code SessionOptions.addInitializer} is not equivalent: with
 * all optimizations on, the CPU provider's layout transformation keeps a Conv's original weights.)
 * Initializers kept in external data stay there; the session must be told the model's folder.
 */
public final class ModelPatch {
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_INITIALIZER = 5;

  private ModelPatch() {}

  /**
   * The bytes of {@code model} with {@code weights} (by initializer name) in place of the
   * originals.
   *
   * @throws IOException when the model cannot be read or a weight's initializer is not in it
   */
  public static byte[] patch(Path model, Map<String, MergedWeight> weights) throws IOException {
    try (FileChannel channel = FileChannel.open(model, StandardOpenOption.READ)) {
      if (channel.size() > Integer.MAX_VALUE - 64) {
        throw new IOException(model + ": over 2 GiB, which a protobuf file cannot be");
      }
      ByteBuffer file = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) channel.size() + 1024);
      ProtoReader reader = new ProtoReader(file, 0, file.capacity(), model.toString());
      int replaced = 0;
      int start = 0;
      while (reader.next()) {
        if (reader.field() == MODEL_GRAPH && reader.wireType() == ProtoReader.LEN) {
          ByteArrayOutputStream graph = new ByteArrayOutputStream();
          replaced += graph(reader.message(), file, weights, graph);
          key(out, MODEL_GRAPH);
          varint(out, graph.size());
          graph.writeTo(out);
        } else {
          reader.skip();
          copy(file, start, reader.position(), out);
        }
        start = reader.position();
      }
      if (replaced != weights.size()) {
        throw new IOException(
            model + ": holds " + replaced + " of the " + weights.size() + " weights to replace");
      }
      return out.toByteArray();
    }
  }

  private static int graph(
      ProtoReader graph,
      ByteBuffer file,
      Map<String, MergedWeight> weights,
      ByteArrayOutputStream out)
      throws IOException {
    int replaced = 0;
    int start = graph.position();
    while (graph.next()) {
      if (graph.field() == GRAPH_INITIALIZER && graph.wireType() == ProtoReader.LEN) {
        ProtoReader tensor = graph.message();
        MergedWeight weight = weights.get(tensorName(tensor));
        if (weight != null) {
          byte[] replacement = tensor(weight);
          key(out, GRAPH_INITIALIZER);
          varint(out, replacement.length);
          out.write(replacement);
          replaced++;
        } else {
          copy(file, start, graph.position(), out);
        }
      } else {
        graph.skip();
        copy(file, start, graph.position(), out);
      }
      start = graph.position();
    }
    return replaced;
  }

  private static String tensorName(ProtoReader tensor) throws IOException {
    ProtoReader fields = tensor.copy();
    while (fields.next()) {
      if (fields.field() == 8 && fields.wireType() == ProtoReader.LEN) {
        return fields.string();
      }
      fields.skip();
    }
    return "";
  }

  /** A TensorProto of dims (1), data_type (2), name (8) and raw_data (9). */
  private static byte[] tensor(MergedWeight weight) throws IOException {
    WeightSlot slot = weight.slot();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long dim : slot.dims()) {
      key(out, 1, ProtoReader.VARINT);
      varint(out, dim);
    }
    key(out, 2, ProtoReader.VARINT);
    varint(out, slot.dataType());
    byte[] name = slot.initializer().getBytes(StandardCharsets.UTF_8);
    key(out, 8);
    varint(out, name.length);
    out.write(name);
    float[] values = weight.values();
    ByteBuffer raw;
    switch (slot.dataType()) {
      case 1 -> {
        raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
      }
      case 10 -> {
        raw = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
          raw.putShort(i * 2, Fp16Conversions.floatToFp16(values[i]));
        }
      }
      default ->
          throw new LoraException(
              "LoRA: " + slot + " is stored as bfloat16, which adapters cannot be merged into yet");
    }
    key(out, 9);
    varint(out, raw.capacity());
    out.write(raw.array());
    return out.toByteArray();
  }

  private static void copy(ByteBuffer file, int from, int to, ByteArrayOutputStream out) {
    byte[] bytes = new byte[to - from];
    file.get(from, bytes);
    out.writeBytes(bytes);
  }

  private static void key(ByteArrayOutputStream out, int field) {
    key(out, field, ProtoReader.LEN);
  }

  private static void key(ByteArrayOutputStream out, int field, int wireType) {
    varint(out, ((long) field << 3) | wireType);
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7fL) != 0) {
      out.write((int) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
