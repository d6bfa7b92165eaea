package dev.tessera.render.miniature;

import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.platform.Fp16Conversions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The external data file of one ONNX model ({@code model.onnx_data} beside {@code model.onnx}, as
 * optimum writes large exports): weights are appended in the order they are added, little-endian,
 * and each initializer records its file, offset and length. A counting instance writes nothing and
 * only advances the offset, so a model's parameters can be counted without the disk or the time.
 *
 * <p>Lifetime: owns the open file until {@link #close}; one per model, used from one thread.
 */
public final class ExternalWeights implements AutoCloseable {
  /** The file name optimum gives a model's external data. */
  public static final String FILE_NAME = "model.onnx_data";

  private static final int BUFFER_BYTES = 1 << 20;

  private final OutputStream out;
  private long offset;
  private long elements;

  private ExternalWeights(OutputStream out) {
    this.out = out;
  }

  /** Writes weights to {@code dir/model.onnx_data}, replacing any such file. */
  public static ExternalWeights writingInto(Path dir) throws IOException {
    Files.createDirectories(dir);
    return new ExternalWeights(
        new BufferedOutputStream(Files.newOutputStream(dir.resolve(FILE_NAME)), BUFFER_BYTES));
  }

  /** Counts weights and writes nothing. */
  public static ExternalWeights countingOnly() {
    return new ExternalWeights(null);
  }

  boolean storesValues() {
    return out != null;
  }

  /** Float elements appended so far. */
  public long elements() {
    return elements;
  }

  /** Bytes appended so far. */
  public long bytes() {
    return offset;
  }

  /** Appends {@code values} as float32 or float16 and returns the initializer pointing at them. */
  TensorProto append(String name, long[] shape, float[] values, boolean fp16) {
    int width = fp16 ? Short.BYTES : Float.BYTES;
    long length = (long) values.length * width;
    if (out != null) {
      ByteBuffer bytes = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
      for (float value : values) {
        if (fp16) {
          bytes.putShort(Fp16Conversions.floatToFp16(value));
        } else {
          bytes.putFloat(value);
        }
      }
      try {
        out.write(bytes.array());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the weights of " + name, e);
      }
    }
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(fp16 ? DataType.FLOAT16_VALUE : DataType.FLOAT_VALUE)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(entry("location", FILE_NAME))
            .addExternalData(entry("offset", Long.toString(offset)))
            .addExternalData(entry("length", Long.toString(length)));
    for (long dim : shape) {
      tensor.addDims(dim);
    }
    offset += length;
    elements += values.length;
    return tensor.build();
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }
}
