package dev.tessera.render.onnx;

import ai.onnxruntime.OnnxJavaType;
import java.util.Arrays;

/**
 * The declared type and shape of one model input or output, as read from the session. A dimension
 * of -1 is dynamic (symbolic in the ONNX file).
 */
public record InputSpec(String name, OnnxJavaType type, long[] shape) {
  public int rank() {
    return shape.length;
  }

  /** Whether dimension {@code axis} accepts any size. */
  public boolean isDynamic(int axis) {
    return shape[axis] < 0;
  }

  @Override
  public String toString() {
    return name + " " + type + Arrays.toString(shape);
  }
}
