package dev.tessera.render.miniature;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Tensor plumbing for the miniature tests: builds inputs of the type a session declares and reads
 * outputs.
 */
final class OrtTestTensors {
  static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  private OrtTestTensors() {}

  static OrtSession open(Path model) throws OrtException {
    return ENV.createSession(model.toString(), new OrtSession.SessionOptions());
  }

  static TensorInfo inputInfo(OrtSession session, String name) throws OrtException {
    return (TensorInfo) session.getInputInfo().get(name).getInfo();
  }

  static TensorInfo outputInfo(OrtSession session, String name) throws OrtException {
    return (TensorInfo) session.getOutputInfo().get(name).getInfo();
  }

  /** A float or float16 tensor, matching {@code like}'s element type. */
  static OnnxTensor floats(TensorInfo like, float[] values, long... shape) throws OrtException {
    if (like.type == OnnxJavaType.FLOAT16) {
      short[] halves = new short[values.length];
      for (int i = 0; i < values.length; i++) {
        halves[i] = Fp16Conversions.floatToFp16(values[i]);
      }
      return OnnxTensor.createTensor(ENV, ShortBuffer.wrap(halves), shape, OnnxJavaType.FLOAT16);
    }
    return OnnxTensor.createTensor(ENV, FloatBuffer.wrap(values), shape);
  }

  /** An int32 or int64 tensor, matching {@code like}'s element type. */
  static OnnxTensor ints(TensorInfo like, long[] values, long... shape) throws OrtException {
    if (like.type == OnnxJavaType.INT64) {
      return OnnxTensor.createTensor(ENV, LongBuffer.wrap(values), shape);
    }
    int[] narrow = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      narrow[i] = Math.toIntExact(values[i]);
    }
    return OnnxTensor.createTensor(ENV, IntBuffer.wrap(narrow), shape);
  }

  /** A timestep of the element type and shape the UNet declares ([] or [1]). */
  static OnnxTensor timestep(TensorInfo declared, int t) throws OrtException {
    long[] shape = declared.getShape();
    if (declared.type == OnnxJavaType.INT64) {
      return OnnxTensor.createTensor(ENV, LongBuffer.wrap(new long[] {t}), shape);
    }
    return floats(declared, new float[] {t}, shape);
  }

  /** The values of a float or float16 tensor as floats. */
  static float[] read(OnnxTensor tensor) {
    if (tensor.getInfo().type == OnnxJavaType.FLOAT16) {
      ShortBuffer halves = tensor.getShortBuffer();
      float[] values = new float[halves.remaining()];
      for (int i = 0; i < values.length; i++) {
        values[i] = Fp16Conversions.fp16ToFloat(halves.get(i));
      }
      return values;
    }
    FloatBuffer buffer = tensor.getFloatBuffer();
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  static float[] gaussian(long seed, int count) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  static boolean allFinite(float[] values) {
    for (float value : values) {
      if (!Float.isFinite(value)) {
        return false;
      }
    }
    return true;
  }

  static double rms(float[] values) {
    double sum = 0;
    for (float value : values) {
      sum += (double) value * value;
    }
    return Math.sqrt(sum / values.length);
  }

  static double maxAbsDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
