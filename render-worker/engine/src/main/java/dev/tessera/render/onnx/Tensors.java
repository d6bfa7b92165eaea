package dev.tessera.render.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * Converts between Java arrays and ONNX tensors of the element type a model declares, so that the
 * pipeline works in float32 arrays whether a bundle is fp32 or fp16, and with int32 or int64 token
 * ids.
 *
 * <p>Every tensor returned is owned by the caller and must be closed; its data is a copy (a direct
 * native-order buffer), so the source array may change afterwards.
 */
public final class Tensors {
  private Tensors() {}

  /**
   * A float tensor of the declared {@code type}: FLOAT or FLOAT16 (converted element by element).
   */
  public static OnnxTensor floats(OrtEnvironment env, float[] data, long[] shape, OnnxJavaType type)
      throws OrtException {
    return switch (type) {
      case FLOAT -> {
        FloatBuffer buffer = direct(data.length * 4L).asFloatBuffer();
        buffer.put(data).flip();
        yield OnnxTensor.createTensor(env, buffer, shape);
      }
      case FLOAT16 -> {
        ShortBuffer buffer = direct(data.length * 2L).asShortBuffer();
        for (float v : data) {
          buffer.put(Fp16Conversions.floatToFp16(v));
        }
        buffer.flip();
        yield OnnxTensor.createTensor(env, buffer, shape, OnnxJavaType.FLOAT16);
      }
      default ->
          throw new IllegalArgumentException(
              "expected a float or float16 input, the model declares " + type);
    };
  }

  /** An integer tensor (token ids) of the declared {@code type}: INT32 or INT64. */
  public static OnnxTensor ints(OrtEnvironment env, int[] data, long[] shape, OnnxJavaType type)
      throws OrtException {
    return switch (type) {
      case INT32 -> {
        IntBuffer buffer = direct(data.length * 4L).asIntBuffer();
        buffer.put(data).flip();
        yield OnnxTensor.createTensor(env, buffer, shape);
      }
      case INT64 -> {
        LongBuffer buffer = direct(data.length * 8L).asLongBuffer();
        for (int v : data) {
          buffer.put(v);
        }
        buffer.flip();
        yield OnnxTensor.createTensor(env, buffer, shape);
      }
      default ->
          throw new IllegalArgumentException(
              "expected an int32 or int64 input, the model declares " + type);
    };
  }

  /**
   * A scalar-valued input filled with {@code value}, in whatever numeric type and shape the model
   * declares: rank 0, or rank 1 of length 1 or (dynamic) {@code batch}. Used for the UNet's {@code
   * timestep}, which real exports declare as float32, float16 or int64 of shape [], [1] or [batch].
   */
  public static OnnxTensor filled(OrtEnvironment env, double value, InputSpec spec, int batch)
      throws OrtException {
    if (spec.rank() > 1) {
      throw new IllegalArgumentException(
          spec.name() + ": expected rank 0 or 1, the model declares " + spec);
    }
    int n = spec.rank() == 0 ? 1 : spec.isDynamic(0) ? batch : (int) spec.shape()[0];
    long[] shape = spec.rank() == 0 ? new long[0] : new long[] {n};
    return switch (spec.type()) {
      case FLOAT, FLOAT16 -> {
        float[] data = new float[n];
        java.util.Arrays.fill(data, (float) value);
        yield floats(env, data, shape, spec.type());
      }
      case INT64, INT32 -> {
        int[] data = new int[n];
        java.util.Arrays.fill(data, (int) Math.round(value));
        yield ints(env, data, shape, spec.type());
      }
      default ->
          throw new IllegalArgumentException(
              spec.name() + ": unsupported element type " + spec.type());
    };
  }

  /** The elements of a float32 or float16 output as float32, in row-major order. */
  public static float[] toFloats(OnnxValue value) throws OrtException {
    if (!(value instanceof OnnxTensor tensor)) {
      throw new IllegalArgumentException("expected a tensor output, got " + value.getType());
    }
    OnnxJavaType type = tensor.getInfo().type;
    return switch (type) {
      case FLOAT -> {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        yield out;
      }
      case FLOAT16 -> {
        ShortBuffer buffer = tensor.getShortBuffer();
        float[] out = new float[buffer.remaining()];
        for (int i = 0; i < out.length; i++) {
          out[i] = Fp16Conversions.fp16ToFloat(buffer.get(i));
        }
        yield out;
      }
      default ->
          throw new IllegalArgumentException("expected a float or float16 output, got " + type);
    };
  }

  /** The shape of a tensor output. */
  public static long[] shape(OnnxValue value) throws OrtException {
    return ((OnnxTensor) value).getInfo().getShape();
  }

  private static ByteBuffer direct(long bytes) {
    return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
  }
}
